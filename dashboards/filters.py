"""Pickers whose choice lives in the URL, so that a link reproduces a view."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import streamlit as st

from dashboards.charts import plain


def contact_link(interaction_id: str) -> str:
    """The contact's view on the Interactions page (the id URL-encoded: an id from the data
    cannot end the link or add to it)."""
    return "interactions?" + urlencode({"interaction_id": interaction_id})


def url_select(
    label: str,
    options: list[str],
    key: str,
    format_func: Callable[[str], str] = str,
    default: str | None = None,
) -> str | None:
    """A sidebar selectbox read from and written to the URL query parameter `key`.

    A value in the URL that is not among the options is named in a warning and nothing is
    selected (None): a page never silently shows another segment than the link asked for.
    """
    wanted = st.query_params.get(key)
    if wanted is None:
        index = options.index(default) if default in options else 0
    elif wanted in options:
        index = options.index(wanted)
    else:
        st.warning(
            plain(f"This link asks for {label.lower()} “{wanted}”, which the warehouse does not")
            + " have: pick one in the sidebar."
        )
        index = None
    choice = st.sidebar.selectbox(
        label,
        options,
        index=index,
        key=f"pick_{key}",
        format_func=format_func,
        placeholder=f"Pick a {label.lower()}",
    )
    if choice is not None:
        st.query_params[key] = choice
    return choice
