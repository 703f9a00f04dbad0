"""The back office's list toolkit (STYLE.md "Pages people work in"; how to add a list: docs/office-lists.md).

A list is a `django_filters.FilterSet` (filters in the query string: a list is a link one can send) + a
`django_tables2.Table` (sorting, pagination, the result count) + an export of exactly what is shown — the same
filters, order and columns, every page — to xlsx or csv through tablib (django-tables2's exporter). `OfficeListView`
ties them together: the rows come from a selector scoped with `for_user` (the view never decides scope), an htmx
request that targets the table gets the table alone (django-htmx), and without JavaScript the page still works.

Exports are opened in spreadsheet programs, so a text cell that begins with = + - @ (or a tab / carriage return,
which some programs skip before reading a formula) is neutralised with a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar
from urllib.parse import urlencode

import django_filters
import django_tables2 as tables
import django_tables2.utils as dt_utils
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView
from django_tables2.export import ExportMixin, TableExport
from django_tables2.views import SingleTableMixin
from tablib import Dataset

from foodcredit.accounts.models import User
from foodcredit.core.choice_labels import translated_choices
from foodcredit.operators.models import STREETS

# django-tables2 inspects the signature of a column's render/value method for every cell it renders or exports
# (utils.call_with_appropriate → inspect.signature): two thirds of the time of a 5,000-row export (10 s → 2 s on the
# demo district). A signature depends on the function alone, so it is remembered per function (and bound or not).
_signature_uncached = dt_utils.signature
_signatures: dict[tuple[Any, bool], tuple[tuple[str, ...], str | None]] = {}


def _signature(fn: Any) -> tuple[tuple[str, ...], str | None]:
    key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
    try:
        return _signatures[key]
    except KeyError:
        _signatures[key] = found = _signature_uncached(fn)
        return found
    except TypeError:  # an unhashable callable
        return _signature_uncached(fn)


dt_utils.signature = _signature

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = (TableExport.XLSX, TableExport.CSV)
# An export is built within the request (about 1 ms a row of 8 columns through django-tables2); a larger list is
# refused with a message asking for narrower filters instead of being cut short. A district has 10–30 thousand
# operators; the audit log is exported by time range.
EXPORT_MAX_ROWS = 50_000
TABLE_TARGET = "list-table"  # id of the element an htmx filter change, sort or page swaps


def neutralise(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet: text that a spreadsheet would read as a formula gets a leading
    apostrophe; numbers, dates and other text are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeTableExport(TableExport):
    """django-tables2's exporter with every text cell neutralised (see the module's docstring)."""

    def table_to_dataset(
        self, table: tables.Table, exclude_columns: Iterable[str] | None, dataset_kwargs: dict[str, Any] | None = None
    ) -> Dataset:
        dataset = Dataset(**({"title": "export"} | (dataset_kwargs or {})))
        for i, row in enumerate(table.as_values(exclude_columns=exclude_columns)):
            if i == 0:
                dataset.headers = [str(h) for h in row]
            else:
                dataset.append([neutralise(v) for v in row])
        return dataset

    def export(self) -> Any:
        if self.format == TableExport.CSV:
            # A byte-order mark so that Excel reads the Chinese text of a csv as UTF-8.
            return "\ufeff" + str(self.dataset.export(self.format))
        return self.dataset.export(self.format)


class OfficeTable(tables.Table):
    """Base of every back-office table: the office's table template (count, sort links, pages, export links; no
    inline style), 50 rows a page."""

    def as_values(self, exclude_columns: Iterable[str] | None = None) -> Iterator[list[Any]]:
        """django-tables2's `as_values` (header row, then each row's `value_*` or plain values) with the exported
        columns looked up once instead of by name for every cell (a linear search: an eighth of an export's time)."""
        excluded = set(exclude_columns or ())
        columns = [c for c in self.columns.iterall() if not (c.column.exclude_from_export or c.name in excluded)]
        yield [force_str(c.header, strings_only=True) for c in columns]
        for row in self.rows:
            yield [
                force_str(row._get_and_render_with(c, render_func=row._call_value, default=None), strings_only=True)
                for c in columns
            ]

    class Meta:
        template_name = "office/_table.html"
        attrs = {"class": "table"}
        per_page = 50
        empty_text = _("没有符合条件的记录")


def street_choices(user: Any) -> list[tuple[str, str]]:
    """The streets a filter offers: the district's list (DOMAIN.md Part I §2); a station regulator its own."""
    streets = list(STREETS)
    if isinstance(user, User) and user.role == User.Role.STATION_REGULATOR:
        own = set(user.streets or [])
        streets = [s for s in streets if s in own]
    return [(s, s) for s in streets]


class StreetFilter(django_filters.ChoiceFilter):
    """所属街道 chosen from the district's list (never free text: "观音桥" would find nothing)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("所属街道"))
        kwargs.setdefault("empty_label", _("全部街道"))
        kwargs.setdefault("choices", [(s, s) for s in STREETS])
        super().__init__(*args, **kwargs)


class OfficeFilterSet(django_filters.FilterSet):
    """Base of every back-office filter set: a `StreetFilter` is narrowed to the caller's streets, other choices
    show in the reader's language, and each field submits the form on change (htmx; a button without JavaScript)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        for name, flt in self.filters.items():
            field = self.form.fields[name]
            if isinstance(flt, StreetFilter) and isinstance(field, forms.ChoiceField):
                field.choices = [("", flt.extra.get("empty_label", "---------")), *street_choices(user)]
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                # a model's choices (not rows of a table): their labels in the reader's language
                field.choices = translated_choices(field.choices)  # type: ignore[arg-type]


class OfficeListView(ExportMixin, SingleTableMixin, FilterView):
    """A back-office list page. Subclasses set `table_class`, `filterset_class`, `title`, `export_name`, and
    implement `rows()` through a selector scoped with `for_user`; `allowed(user)` refuses a role outright (403).

    Template: office/list.html (title, intro, filters, table); an htmx request aimed at the table gets
    office/_list_table.html alone. `?_export=xlsx|csv` downloads what is shown."""

    template_name = "office/list.html"
    table_template_name = "office/_list_table.html"
    export_class = SafeTableExport
    export_formats = EXPORT_FORMATS
    title: ClassVar[Any] = ""
    intro: ClassVar[Any] = ""
    export_name = "list"
    strict = True  # an invalid filter value shows the form's error and no rows (django-filter's default)

    def allowed(self, user: Any) -> bool:
        return bool(getattr(user, "is_authenticated", False))

    def rows(self) -> QuerySet[Any] | Sequence[Any]:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not self.allowed(request.user):
            raise PermissionDenied
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response

    def get_queryset(self) -> Any:
        return self.rows()

    def filtered_rows(self, filterset: django_filters.FilterSet) -> QuerySet[Any] | Sequence[Any]:
        """The rows the filters keep. A list that is not a queryset (e.g. a polars frame's rows) overrides this and
        filters with `filterset.form.cleaned_data` (empty when the form is unbound or invalid)."""
        return filterset.qs

    def object_rows(self) -> QuerySet[Any] | Sequence[Any]:
        """What the page lists, the workbench counts and the export holds: one code path for all three."""
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid() and self.get_strict():
            rows = self.rows()
            return rows.none() if isinstance(rows, QuerySet) else []
        return self.filtered_rows(self.filterset)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object_list = self.object_rows()
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    @classmethod
    def count_for(cls, request: HttpRequest, params: dict[str, str]) -> int | None:
        """How many rows the list shows for `params` to `request.user` (None if the role may not open it): the
        workbench's counts, equal to the list's by construction."""
        if not cls().allowed(request.user):
            return None
        listing = copy.copy(request)
        listing.GET = QueryDict(urlencode(params))  # immutable, as Django makes it
        view = cls()
        view.setup(listing)
        rows = view.object_rows()
        return rows.count() if isinstance(rows, QuerySet) else len(rows)

    def create_export(self, export_format: str) -> HttpResponse:
        """The export of every filtered row, or back to the list with a message when there are too many."""
        rows = self.object_list
        count = rows.count() if isinstance(rows, QuerySet) else len(rows)
        if count > EXPORT_MAX_ROWS:
            messages.warning(
                self.request,
                _("筛选结果共 %(count)s 条，超过导出上限 %(limit)s 条，请缩小筛选范围后再导出。")
                % {"count": count, "limit": EXPORT_MAX_ROWS},
            )
            query = self.request.GET.copy()
            query.pop(self.export_trigger_param, None)
            return redirect(f"{self.request.path}?{query.urlencode()}" if query else self.request.path)
        response: HttpResponse = super().create_export(export_format)
        return response

    def get_export_filename(self, export_format: str) -> str:
        return f"{self.export_name}-{timezone.localdate():%Y%m%d}.{export_format}"

    def get_template_names(self) -> list[str]:
        htmx = getattr(self.request, "htmx", None)
        if htmx and htmx.target == TABLE_TARGET:
            return [self.table_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.update(
            title=self.title, intro=self.intro, export_formats=self.export_formats, table_target=TABLE_TARGET
        )
        return context
