"""The dbt project as an interface: public marts with enforced contracts, private internals,
docs persisted as comments, source freshness and an exposure for every dashboard page.

Reads a manifest parsed here into a temporary target path (`dbt parse`, a few seconds, no
warehouse needed), so it does not depend on how the pipeline prepares its own manifest.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT = REPO_ROOT / "dbt_project"
DASHBOARDS = REPO_ROOT / "dashboards"
# A schema-qualified relation in SQL text, e.g. "from marts.dim_metrics".
RELATION = re.compile(r"\b(raw|qm_meta|staging|intermediate|marts)\.([a-z_][a-z0-9_]*)\b")


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("dbt_parse")
    completed = subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "parse", "--project-dir", str(DBT_PROJECT),
         "--profiles-dir", str(DBT_PROJECT), "--target-path", str(out / "target"),
         "--log-path", str(out / "logs"), "--no-partial-parse"],
        capture_output=True, text=True, cwd=DBT_PROJECT,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return json.loads((out / "target" / "manifest.json").read_text())


def models(manifest: dict, schema: str) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == schema
    ]


def test_every_mart_is_public_with_an_enforced_contract(manifest):
    marts = models(manifest, "marts")
    assert len(marts) >= 10
    for mart in marts:
        assert mart["access"] == "public", mart["name"]
        assert mart["config"]["contract"]["enforced"], mart["name"]
        assert mart["columns"], mart["name"]
        untyped = [name for name, column in mart["columns"].items() if not column["data_type"]]
        assert untyped == [], f"{mart['name']}: columns without data_type"


def test_only_marts_are_public_and_internal_layers_are_private_to_the_warehouse(manifest):
    group = manifest["groups"]["group.qm_warehouse.quality_warehouse"]
    assert group["owner"]["name"] or group["owner"]["email"]
    public = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["access"] == "public"
    }
    assert public == {mart["name"] for mart in models(manifest, "marts")}
    internal = models(manifest, "staging") + models(manifest, "intermediate")
    assert internal
    assert {(node["access"], node["group"]) for node in internal} == {
        ("private", "quality_warehouse")
    }


def test_every_model_persists_its_docs_as_table_and_column_comments(manifest):
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model":
            assert node["config"]["persist_docs"] == {"relation": True, "columns": True}


def raw_tables_the_ingest_creates() -> dict[str, set[str]]:
    """Each raw table and its columns, from the ingest's own DDL run on an empty database."""
    from orchestration.ingest.warehouse_tables import ensure_raw_schema

    with duckdb.connect() as connection:
        ensure_raw_schema(connection)
        rows = connection.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = 'raw'"
        ).fetchall()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables


def test_every_raw_table_is_a_source_whose_freshness_reads_a_load_timestamp(manifest):
    created = raw_tables_the_ingest_creates()
    sources = {
        source["name"]: source
        for source in manifest["sources"].values()
        if source["source_name"] == "raw"
    }
    assert set(created) <= set(sources)
    for name, source in sources.items():
        thresholds = source["freshness"] or {}
        if any(
            (thresholds.get(bound) or {}).get("count") for bound in ("warn_after", "error_after")
        ):
            assert source["loaded_at_field"] in created[name], name


def test_the_daily_exports_warn_when_a_day_is_late_and_fail_after_days(manifest):
    hours = {"hour": 1, "day": 24}
    for export in ("interactions", "transcripts", "evaluations", "evaluation_answers",
                   "csat_surveys"):  # fmt: skip
        source = manifest["sources"][f"source.qm_warehouse.raw.{export}"]
        assert source["loaded_at_field"] == "_ingested_at"
        warn, error = source["freshness"]["warn_after"], source["freshness"]["error_after"]
        warn_hours = warn["count"] * hours[warn["period"]]
        error_hours = error["count"] * hours[error["period"]]
        assert 24 < warn_hours < error_hours, export  # a daily file may be a few hours late


def page_routes() -> dict[str, Path]:
    """URL path → script of each page that dashboards/app.py registers with st.Page."""
    routes, app = {}, (DASHBOARDS / "app.py").read_text()
    for call in ast.walk(ast.parse(app)):
        if not (isinstance(call, ast.Call) and getattr(call.func, "attr", None) == "Page"):
            continue
        script = next(
            node.value
            for argument in call.args[:1]
            for node in ast.walk(argument)
            if isinstance(node, ast.Constant) and str(node.value).endswith(".py")
        )
        keywords = {keyword.arg: keyword.value for keyword in call.keywords}
        if "url_path" in keywords:
            url = "/" + keywords["url_path"].value
        elif getattr(keywords.get("default"), "value", False):
            url = "/"
        else:
            url = "/" + Path(script).stem
        candidates = [path for path in DASHBOARDS.rglob(Path(script).name) if path.is_file()]
        [path] = [path for path in candidates if f'"{path.parent.name}"' in app] or candidates
        routes[url] = path
    return routes


def query_functions_tables() -> dict[str, set[str]]:
    """Each function of dashboards/queries.py → relations its SQL names (with the
    functions it calls and the module-level strings it uses)."""
    tree = ast.parse((DASHBOARDS / "queries.py").read_text())
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    direct, calls = {}, {}
    for name, function in functions.items():
        texts = [n.value for n in ast.walk(function) if isinstance(n, ast.Constant)]
        names = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
        texts += [constants[used] for used in names & set(constants)]
        direct[name] = {".".join(m) for text in texts if isinstance(text, str)
                        for m in RELATION.findall(text)}  # fmt: skip
        calls[name] = names & set(functions)
    resolved = {}
    for name in functions:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += calls[current]
        resolved[name] = set().union(*(direct[used] for used in seen))
    return resolved


def tables_read_by_page(script: Path, tables_of: dict[str, set[str]]) -> set[str]:
    """Relations a page reads through dashboards.queries, directly or through the other
    dashboards modules it imports."""
    modules, used = [script], set()
    for node in ast.walk(ast.parse(script.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "dashboards":
            modules += [DASHBOARDS / f"{alias.name}.py" for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dashboards."):
            if node.module == "dashboards.queries":
                used |= {alias.name for alias in node.names}
            modules.append(DASHBOARDS / f"{node.module.split('.', 1)[1]}.py")
    for module in modules:
        if module.name == "queries.py" or not module.exists():
            continue
        used |= {
            node.attr
            for node in ast.walk(ast.parse(module.read_text()))
            if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "queries"
        }
    return set().union(*(tables_of.get(name, set()) for name in used))


def exposure_relations(manifest: dict, exposure: dict) -> set[str]:
    relations = set()
    for unique_id in exposure["depends_on"]["nodes"]:
        node = manifest["nodes"].get(unique_id) or manifest["sources"][unique_id]
        relations.add(f"{node['schema']}.{node.get('identifier') or node['name']}")
    return relations


def test_every_dashboard_page_has_an_exposure_on_what_it_reads(manifest):
    routes = page_routes()
    assert {"/", "/needs_attention", "/control-chart"} <= set(routes)
    exposures = {exposure["url"]: exposure for exposure in manifest["exposures"].values()}
    tables_of = query_functions_tables()
    for url, script in routes.items():
        assert url in exposures, f"page {script.name} ({url}) has no exposure"
        exposure = exposures[url]
        assert exposure["type"] == "dashboard"
        assert exposure["description"].strip() and exposure["owner"]["name"]
        read = tables_read_by_page(script, tables_of)
        assert read, f"found no query of page {script.name}"
        missing = read - exposure_relations(manifest, exposure)
        assert missing == set(), (
            f"page {script.name} reads {sorted(missing)}: add them to exposure "
            f"{exposure['name']} in dbt_project/models/_exposures.yml (as a source if Python "
            "writes them)"
        )


def test_the_data_health_page_has_an_exposure_on_files_freshness_and_validation(manifest):
    [exposure] = [e for e in manifest["exposures"].values() if e["url"] == "/data-health"]
    assert {
        "marts.mart_ingested_files", "marts.mart_source_freshness", "qm_meta.validation_results"
    } <= exposure_relations(manifest, exposure)  # fmt: skip
