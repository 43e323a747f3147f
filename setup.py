"""Which packages and data files the wheel holds (the metadata is in pyproject.toml).

The dbt project and the Great Expectations suites live at the top of the repository, where
dbt and people expect them, and ship inside the package as orchestration/dbt_project and
orchestration/expectations, where orchestration/settings.py reads them. Their folders are
found here rather than listed, so a new model folder ships without a change to this file;
tests/unit/test_packaging.py checks that every source file lands in the wheel.
"""

from setuptools import find_namespace_packages, find_packages, setup

SHIPPED_FOLDERS = {
    "orchestration.dbt_project": "dbt_project",
    "orchestration.expectations": "expectations",
}
# dbt's own output folders, never shipped (dbt writes under the data folder when installed).
NOT_SHIPPED = ["target", "target.*", "logs", "logs.*", "dbt_packages", "dbt_packages.*"]
CACHES = ["*__pycache__", "*__pycache__.*"]


def shipped_packages() -> list[str]:
    # Dashboard page scripts sit in a folder without __init__.py (a namespace package).
    packages = [
        *find_packages(include=["orchestration", "orchestration.*"]),
        *find_namespace_packages(include=["dashboards", "dashboards.*"], exclude=CACHES),
    ]
    for package, folder in SHIPPED_FOLDERS.items():
        subfolders = find_namespace_packages(where=folder, exclude=NOT_SHIPPED + CACHES)
        packages += [package, *(f"{package}.{name}" for name in subfolders)]
    return packages


setup(
    packages=shipped_packages(),
    package_dir=SHIPPED_FOLDERS,
    package_data={"": ["*.yml", "*.yaml", "*.sql", "*.md", "*.csv", "*.json"]},
)
