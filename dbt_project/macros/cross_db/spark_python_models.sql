{#- A dbt Python model's table on Spark: the model returns a Spark DataFrame, pandas or Arrow
    (the models here return pandas or Arrow), written as a Parquet table. This replaces
    dbt-spark's py_write_table, which writes Delta and knows no Arrow; the models run in the
    local session (orchestration/spark/dbt_on_spark.py). On DuckDB, dbt-duckdb's own. -#}
{% macro py_write_table() %}
{%- if target.type != 'spark' -%}
{{ return(dbt.py_write_table(**kwargs)) }}
{%- endif -%}
{%- set compiled_code, target_relation = kwargs['compiled_code'], kwargs['target_relation'] %}
{{ compiled_code }}
# --- the model's table, written by the project's py_write_table (Spark) --- #
import pyarrow
import pandas

dbt = dbtObj(spark.table)
df = model(dbt, spark)
if isinstance(df, pandas.DataFrame):
    df = pyarrow.Table.from_pandas(df, preserve_index=False)
if isinstance(df, pyarrow.Table):
    df = spark.createDataFrame(df)
df.write.mode("overwrite").format("parquet").saveAsTable("{{ target_relation }}")
{%- endmacro -%}
