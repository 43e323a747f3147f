-- One row per export that has landed: its latest file, the rows it brought, and how old the
-- latest file may grow before it is late, as the dbt sources declare (`freshness` in
-- models/staging/_sources.yml: the one place those thresholds live). The Data health page
-- compares the age with them when it is viewed.
{%- set thresholds = [] %}
{%- for source in graph.sources.values() if source.source_name == 'raw' %}
    {%- set freshness = source.freshness or {} %}
    {%- set hours = {'minute': 1 / 60, 'hour': 1, 'day': 24} %}
    {%- set warn = freshness.warn_after or {} %}
    {%- set error = freshness.error_after or {} %}
    {%- do thresholds.append(
        "('" ~ source.name ~ "', "
        ~ ((warn['count'] * hours[warn['period']]) if warn.get('count') else 'null') ~ ", "
        ~ ((error['count'] * hours[error['period']]) if error.get('count') else 'null') ~ ")"
    ) %}
{%- endfor %}
with ledger as (
    select * from {{ source('raw', 'file_ledger') }}
),

thresholds (export, warn_after_hours, error_after_hours) as (
    values
    {{ thresholds | join(',\n    ') }}
),

exports as (
    select
        export,
        count(*) as files_count,
        max(ingested_at) as last_ingested_at,
        max_by(source_file, load_sequence) as last_file,
        cast(sum(rows_loaded) as bigint) as rows_loaded,
        cast(sum(rows_quarantined) as bigint) as rows_quarantined
    from ledger
    group by export
),

final as (
    select
        exports.export,
        exports.files_count,
        exports.last_file,
        exports.last_ingested_at,
        exports.rows_loaded,
        exports.rows_quarantined,
        cast(thresholds.warn_after_hours as double) as warn_after_hours,
        cast(thresholds.error_after_hours as double) as error_after_hours
    from exports
    left join thresholds using (export)
)

select * from final
