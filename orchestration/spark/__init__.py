"""The dbt project on Apache Spark (issue 22, item 7): the raw layer exported as Parquet, dbt
run in this process on a local Spark session (dbt-spark's `session` method), Python models
run in that session. See "Scale-out on Spark" in the README."""
