-- One row per landed file, from the ingest's ledger: when it was ingested, rows in, loaded
-- and quarantined (rows in = loaded + quarantined), and why rows were quarantined. What the
-- Data health page lists.
with ledger as (
    select * from {{ source('raw', 'file_ledger') }}
),

quarantine as (
    select * from {{ source('raw', 'quarantine') }}
),

reason_counts as (
    select load_sequence, reason, count(*) as quarantined_rows
    from quarantine
    group by load_sequence, reason
),

reasons as (
    select
        load_sequence,
        {{ dbt.listagg(
            "reason || ': ' || quarantined_rows", "'; '", "order by quarantined_rows desc, reason"
        ) }} as quarantine_reasons
    from reason_counts
    group by load_sequence
),

final as (
    select
        ledger.export,
        ledger.source_file,
        ledger.file_hash,
        ledger.file_bytes,
        ledger.ingested_at,
        ledger.rows_in,
        ledger.rows_loaded,
        ledger.rows_quarantined,
        reasons.quarantine_reasons,
        ledger.load_sequence
    from ledger
    left join reasons using (load_sequence)
)

select * from final
