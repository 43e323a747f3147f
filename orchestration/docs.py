"""`qm docs`: the dbt docs site and the Great Expectations Data Docs, as static HTML."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator

from orchestration import settings
from orchestration.validation import data_docs_index, data_docs_packages, localize_data_docs


def build_docs() -> Iterator[str]:
    settings.export_environment()
    build = settings.build_warehouse()
    if not build.exists():
        raise SystemExit(f"qm docs: {build} does not exist yet; run `qm run` first.")
    target = settings.docs_dir() / "dbt"
    # dbt's target and log paths point under the data folder: the project folder may be an
    # installed package, read-only.
    subprocess.run(
        [
            settings.dbt_executable(),
            "docs",
            "generate",
            "--profiles-dir",
            str(settings.DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(settings.dbt_build_dir()),
        ],
        cwd=settings.DBT_PROJECT_DIR,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    yield f"dbt docs: {target / 'index.html'} (serve: python -m http.server -d {target})"

    import great_expectations as gx

    docs_dir = settings.validation_dir()
    context = gx.get_context(mode="file", project_root_dir=str(docs_dir))
    context.build_data_docs()
    index = data_docs_index(docs_dir)
    if index.exists():
        localize_data_docs(index.parent, data_docs_packages())
    published = settings.docs_dir() / "great_expectations"
    if index.exists():
        shutil.copytree(index.parent, published, dirs_exist_ok=True)
    yield f"Great Expectations Data Docs: {published / 'index.html'}"


def serve_data_docs(port: int) -> subprocess.Popen | None:
    """Serve the Great Expectations Data Docs on localhost:`port` (a browser will not follow
    a dashboard's link to a file:// page), or None when they were not built yet. The docs
    are rebuilt in place by every run, so the server always shows the latest."""
    site = data_docs_index(settings.validation_dir()).parent
    if not site.is_dir():
        return None
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    return subprocess.Popen(
        [*command, "--directory", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
