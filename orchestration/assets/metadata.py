"""Dagster's standard table metadata, read from the build file's catalog."""

import dagster as dg


def table_metadata(connection, schema: str, table: str, count_rows: bool = True) -> dict:
    """Row count and column schema (names, DuckDB types, nullability and the comments the
    file holds) of <schema>.<table>, as `dagster/row_count` and `dagster/column_schema`.
    Views are not counted (`count_rows=False`): counting runs their query."""
    columns = connection.execute(
        "select column_name, data_type, is_nullable, comment from duckdb_columns()"
        " where schema_name = ? and table_name = ? order by column_index",
        [schema, table],
    ).fetchall()
    metadata = {
        "dagster/column_schema": dg.TableSchema(
            columns=[
                dg.TableColumn(
                    name,
                    data_type.lower(),
                    description=comment or None,
                    constraints=dg.TableColumnConstraints(nullable=bool(nullable)),
                )
                for name, data_type, nullable, comment in columns
            ]
        )
    }
    if count_rows:
        query = f'select count(*) from "{schema}"."{table}"'
        metadata["dagster/row_count"] = connection.execute(query).fetchall()[0][0]
    return metadata
