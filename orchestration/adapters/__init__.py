"""Vendor export adapters: a vendor's files become landing-contract files.

`ADAPTERS` maps the name used on the command line (`qm import <name> <path>...`) to the
adapter class; a new vendor is one module with an `Adapter` subclass, added here.
"""

from __future__ import annotations

from orchestration.adapters.amazon_connect import AmazonConnectAdapter
from orchestration.adapters.base import Adapter, AdapterError, Conversion, write_conversion
from orchestration.adapters.example_qa_csv import ExampleQaCsvAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    adapter.name: adapter for adapter in (AmazonConnectAdapter, ExampleQaCsvAdapter)
}


def make_adapter(name: str, **options: str) -> Adapter:
    """The named adapter with its options; a clear ValueError for an unknown name or option."""
    if name not in ADAPTERS:
        raise ValueError(f"unknown adapter {name!r}; expected one of {', '.join(sorted(ADAPTERS))}")
    adapter = ADAPTERS[name]
    unknown = sorted(set(options) - set(adapter.options))
    if unknown:
        accepted = ", ".join(sorted(adapter.options)) or "none"
        raise ValueError(f"adapter {name} has no option {', '.join(unknown)} (options: {accepted})")
    return adapter(**options)


__all__ = ["ADAPTERS", "Adapter", "AdapterError", "Conversion", "make_adapter", "write_conversion"]
