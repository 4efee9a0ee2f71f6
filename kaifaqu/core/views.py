"""The generic page layer: one :class:`Resource` declaration per model gives its list (filters,
search, sorting, pagination, Excel export), detail page with history, create/edit, guarded delete,
Excel import with template, and a scoped autocomplete — all through ``Model.objects.for_user``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models.functions import Cast
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views import View

from kaifaqu.lib.units import tidy

from . import home as home_parts
from .excel import XLSX_CONTENT_TYPE
from .fields import MonthField, month_label
from .forms import add_errors, style_fields
from .models import ChangeAction, ChangeRecord, related_names
from .scoping import can_write, may_change, scope_for, shares_scope
from .services import DeleteRefused, delete_guarded, dependents, save_in_scope

REGISTRY: dict[type[models.Model], type[Resource]] = {}


@dataclass
class Col:
    """A list column: an attribute path (``zone.city.name``), its header, how it sorts."""

    name: str
    header: str | None = None
    sort: str | None = None  # ORM ordering path; None = the name with dots as __, "" = not sortable
    link: bool = False
    render: Callable | None = None  # obj -> display value (may be safe HTML), instead of the attribute


@dataclass(frozen=True)
class Totals:
    """What a filtered list adds up to: ``figures`` (name → exact value) for the API, ``shown`` ((label, text)
    pairs) for the page, above the table."""

    figures: dict
    shown: list[tuple[str, str]]


@dataclass
class Related:
    """A table of related records on a detail page."""

    title: str
    accessor: str  # attribute on the object giving a manager/queryset
    columns: tuple[str, ...] = ("name",)


def display(obj, path: str):
    """The display value of ``obj.<path>`` (dotted), following FKs and using choice labels."""
    value = obj
    parts = path.split(".")
    for i, part in enumerate(parts):
        if value is None:
            return None
        if i == len(parts) - 1 and isinstance(value, models.Model):
            try:
                f = value._meta.get_field(part)
            except Exception:
                f = None
            if f is not None and getattr(f, "choices", None):
                return getattr(value, f"get_{part}_display")() or None
        value = getattr(value, part)
    return value


def format_value(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return number_format(tidy(value), decimal_pos=None, use_l10n=True, force_grouping=True)
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "all") and callable(value.all):
        return "、".join(str(v) for v in value.all()) or "—"
    return str(value)


def _model_field(model, dotted: str):
    """The model field at the end of ``dotted`` (``project.zone.name``), or None."""
    current, f = model, None
    for part in dotted.split("."):
        try:
            f = current._meta.get_field(part)
        except Exception:
            return None
        current = f.related_model if f.is_relation else current
    return f


def format_field(model, dotted: str, value):
    """``format_value`` for the field ``dotted`` of ``model``: a month column reads 2026年11月."""
    if isinstance(_model_field(model, dotted), MonthField) and isinstance(value, datetime.date):
        return month_label(value)
    return format_value(value)


def object_url(obj) -> str | None:
    if obj is None or not isinstance(obj, models.Model):
        return None
    try:
        return reverse(f"{obj._meta.model_name}_detail", args=[obj.pk])
    except NoReverseMatch:
        return None


class Resource:
    """Declares how a model appears in the UI. Subclass per model and add ``Resource.urls()``."""

    model: type[models.Model]
    url_prefix: str
    filterset_class = None
    form_class = None
    sheet_class = None
    list_columns: list[Col] = []
    list_select_related: tuple[str, ...] = ()
    list_prefetch_related: tuple[str, ...] = ()
    detail_fields: tuple[str, ...] | None = None
    detail_template = "core/object_detail.html"
    related: list[Related] = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "model", None) is not None:
            REGISTRY[cls.model] = cls

    @classmethod
    def slug(cls) -> str:
        return cls.model._meta.model_name

    @classmethod
    def urls(cls):
        s = cls.slug()
        views = [
            ("", ListView, "list"),
            ("add/", EditView, "add"),
            ("import/", ImportView, "import"),
            ("import/template/", TemplateView, "template"),
            ("autocomplete/", AutocompleteView, "autocomplete"),
            ("<int:pk>/", DetailView, "detail"),
            ("<int:pk>/edit/", EditView, "edit"),
            ("<int:pk>/delete/", DeleteView, "delete"),
        ]
        standard = [path(f"{cls.url_prefix}/{p}", v.as_view(resource=cls), name=f"{s}_{n}") for p, v, n in views]
        return cls.extra_urls() + standard

    @classmethod
    def queryset(cls, user):
        return cls.model._default_manager.for_user(user)

    @classmethod
    def autocomplete_text(cls, obj) -> str:
        """How a record reads in a search-as-you-type list (add what tells namesakes apart)."""
        return str(obj)

    @classmethod
    def visible_fields(cls, user, names):
        """The detail-page fields ``user`` may read (internal notes can be withheld from some roles)."""
        return names

    @classmethod
    def detail_context(cls, obj, request) -> dict:
        """Extra context for a custom ``detail_template``."""
        return {}

    @classmethod
    def totals(cls, qs, params) -> Totals | None:
        """What the filtered records ``qs`` add up to (the request's ``params`` may name a period); None: nothing."""
        return None

    @classmethod
    def extra_urls(cls) -> list:
        """Actions beyond the standard ones (review, close, …)."""
        return []


class ResourceView(LoginRequiredMixin, View):
    resource: type[Resource] = None

    @property
    def model(self):
        return self.resource.model

    def get_object(self, pk):
        return get_object_or_404(self.resource.queryset(self.request.user), pk=pk)

    def require_write(self, obj=None):
        """The role may write the model, and ``obj`` (seen by the user) is one they may change."""
        user = self.request.user
        if not can_write(user, self.model) or (obj is not None and not may_change(user, obj)):
            raise PermissionDenied(_("您没有修改%(what)s的权限") % {"what": self.model._meta.verbose_name})

    def base_context(self, **extra):
        opts = self.model._meta
        ctx = {
            "resource": self.resource,
            "opts": opts,
            "title": opts.verbose_name_plural,
            "slug": self.resource.slug(),
            "can_write": can_write(self.request.user, self.model),
        }
        ctx.update(extra)
        return ctx


def refuse_outside_scope(user, params, **units) -> None:
    """A unit chosen in ``params`` (``zone=12``) that ``user`` may not see is not found (404), as any record
    outside the scope is; ``units`` maps parameter names to their models (``zone=Zone``)."""
    for name, model in units.items():
        value = str(params.get(name) or "")
        if value.isdigit() and not model._default_manager.for_user(user).filter(pk=value).exists():
            raise Http404


def filtered_queryset(resource, request):
    """The user's scoped records with the request's filters applied: shared by list and export."""
    qs = resource.queryset(request.user)
    fs = None
    if resource.filterset_class is not None:
        fs = resource.filterset_class(request.GET or None, queryset=qs, request=request)
        style_fields(fs.form)
        qs = fs.qs if fs.is_bound and fs.is_valid() else qs if not fs.is_bound else qs.none()
    return qs, fs


class ListView(ResourceView):
    def sort_options(self):
        opts = {}
        for c in self.resource.list_columns:
            if c.sort == "":
                continue
            opts[c.name] = c.sort or c.name.replace(".", "__")
        return opts

    def get(self, request):
        qs, fs = filtered_queryset(self.resource, request)
        invalid = fs is not None and fs.is_bound and not fs.is_valid()  # a bad filter: its error, no export
        sort = request.GET.get("sort", "")
        options = self.sort_options()
        key = sort.lstrip("-")
        if key in options:
            order = options[key]
            qs = qs.order_by(("-" if sort.startswith("-") else "") + order, "pk")
        if request.GET.get("export") == "xlsx" and not invalid:
            if qs.count() > settings.KFQ_SYNC_EXPORT_ROWS:  # large: in the background, with progress
                from kaifaqu.reports import jobs

                params = request.GET.copy()
                params.pop("export", None)
                job = jobs.enqueue(
                    "list_export", {"slug": self.resource.slug(), "query": params.urlencode()}, request.user
                )
                return redirect("job_detail", pk=job.pk)
            sheet = self.resource.sheet_class(request.user)
            name = f"{self.model._meta.verbose_name_plural}-{timezone.localdate():%Y%m%d}.xlsx"
            return xlsx_response(sheet.export(qs), name)
        qs = qs.select_related(*self.resource.list_select_related).prefetch_related(
            *self.resource.list_prefetch_related
        )
        paginator = Paginator(qs, 50)
        page = paginator.get_page(request.GET.get("page"))
        cols = self.resource.list_columns
        rows = []
        for obj in page.object_list:
            cells = []
            for c in cols:
                value = c.render(obj) if c.render else display(obj, c.name)
                link = object_url(obj) if c.link else (object_url(value) if isinstance(value, models.Model) else None)
                cells.append((value if c.render else format_field(self.model, c.name, value), link))
            rows.append(cells)
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("export", None)
        headers = []
        for c in cols:
            header = c.header or _field_label(self.model, c.name)
            sortable = c.name in options
            next_sort = f"-{c.name}" if sort == c.name else c.name
            p = params.copy()
            p["sort"] = next_sort
            headers.append(
                {
                    "label": header,
                    "sortable": sortable,
                    "url": "?" + p.urlencode(),
                    "active": "asc" if sort == c.name else "desc" if sort == f"-{c.name}" else "",
                }
            )
        export_params = params.copy()
        export_params["export"] = "xlsx"
        visible = {f.name for f in fs.form.visible_fields()} if fs is not None else set()
        ctx = self.base_context(
            totals=None if invalid else self.resource.totals(qs, request.GET),
            filterset=fs,
            active_filters=sum(1 for k, v in request.GET.items() if k in visible and v),
            headers=headers,
            rows=rows,
            page=page,
            paginator=paginator,
            query=params.urlencode(),
            export_url="?" + export_params.urlencode(),
        )
        # A bad filter is a 400 with the field's error; htmx swaps only 2xx, so its live refresh gets a 200.
        status = 400 if invalid and not request.headers.get("HX-Request") else 200
        return render(request, "core/object_list.html", ctx, status=status)


def _is_forward_fk(model, name: str) -> bool:
    try:
        f = model._meta.get_field(name)
    except Exception:
        return False
    return f.many_to_one or (f.one_to_one and f.concrete)


def _field_label(model, dotted: str) -> str:
    current = model
    label = dotted
    for part in dotted.split("."):
        try:
            f = current._meta.get_field(part)
        except Exception:
            return label
        label = str(f.verbose_name)
        current = f.related_model if f.is_relation else current
    return label


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    return download_response(data, filename, XLSX_CONTENT_TYPE)


def download_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = content_disposition(filename)
    return resp


def content_disposition(name: str) -> str:
    """An attachment named ``name`` (UTF-8, RFC 6266), with an ASCII stand-in of the same extension."""
    from urllib.parse import quote

    ext = name.rsplit(".", 1)[-1] if "." in name else "bin"
    return f"attachment; filename=\"export.{ext}\"; filename*=UTF-8''{quote(name)}"


class DetailView(ResourceView):
    def get(self, request, pk):
        obj = self.get_object(pk)
        names = self.resource.detail_fields or [
            f.name
            for f in self.model._meta.get_fields()
            if (f.concrete or f.many_to_many)
            and not f.auto_created
            and f.name not in ("id", "created_at", "updated_at", *getattr(self.model, "internal_fields", ()))
            and not (f.many_to_many and f.auto_created)
        ]
        names = self.resource.visible_fields(request.user, names)
        fields = []
        for name in names:
            value = display(obj, name)
            link = object_url(value) if isinstance(value, models.Model) else None
            fields.append((_field_label(self.model, name), format_field(self.model, name, value), link))
        related = []
        for r in self.resource.related:
            qs = getattr(obj, r.accessor).all()
            rel_model = qs.model
            joins = [c for c in r.columns if _is_forward_fk(rel_model, c)]
            qs = qs.select_related(*joins)
            if hasattr(rel_model._default_manager, "for_user"):
                qs = qs.filter(pk__in=rel_model._default_manager.for_user(request.user).values("pk"))
            items = list(qs[:100])
            related.append(
                {
                    "title": r.title,
                    "count": qs.count() if len(items) == 100 else len(items),
                    "headers": [_field_label(rel_model, c) for c in r.columns],
                    "rows": [(object_url(i), [format_value(display(i, c)) for c in r.columns]) for i in items],
                }
            )
        history = visible_history(obj, request.user)
        ctx = self.base_context(object=obj, fields=fields, related=related, history=history, title=str(obj))
        ctx.update(self.resource.detail_context(obj, request))
        return render(request, self.resource.detail_template, ctx)


def hidden_fields(user, model) -> set[str]:
    """The fields of ``model`` its resource withholds from ``user`` (an enterprise never reads internal notes)."""
    resource = REGISTRY.get(model)
    if resource is None:
        return set()
    names = [f.name for f in model._meta.get_fields()]
    # Machine columns (matching keys such as an indicator's code) are on no page, its history included.
    return (set(names) - set(resource.visible_fields(user, names))) | set(getattr(model, "internal_fields", ()))


def history_rows(records, user) -> list[tuple[ChangeRecord, list]]:
    """Change records with their field changes as ``user`` may read them.

    Each record's fields are withheld by its own model's resource, so a procedure's internal note stays
    hidden on its project's page as on its own; an edit that changed nothing but withheld fields is not
    shown at all. The records the changes point to are named with one query per model for the whole page.
    """
    records = list(records)
    hidden: dict = {}

    def hidden_for(model):
        if model not in hidden:
            hidden[model] = hidden_fields(user, model) if model is not None else set()
        return hidden[model]

    def queryset_for(model):
        resource = REGISTRY.get(model)
        qs = model._base_manager.all()
        return qs.select_related(*resource.list_select_related) if resource is not None else qs

    names = related_names(records, hidden_for, queryset_for)
    rows = []
    for record in records:
        model = record.content_type.model_class()
        changes = record.changed_fields(hidden_for(model), names)
        withheld = hidden_for(model) & (set(record.before or {}) | set(record.after or {}))
        if record.action == ChangeAction.UPDATE and not changes and withheld:
            continue  # only withheld fields changed: nothing this reader may see
        rows.append((record, changes))
    return rows


def _ids(queryset):
    """The primary keys of ``queryset`` as the text ``ChangeRecord.object_id`` stores (a subquery)."""
    return queryset.annotate(kfq_id=Cast("pk", models.CharField(max_length=64))).values("kfq_id")


def visible_history(obj, user, limit=100) -> list:
    """``obj``'s changes and those of the records whose history it shows (``history_parent``) that ``user`` may
    see: a record still there and in their scope, or one deleted since whose scope is ``obj``'s. Each as
    (record, changed fields), without the fields withheld from the user (``Resource.visible_fields``)."""
    scope = scope_for(user)
    ct = ContentType.objects.get_for_model(obj)
    shown = models.Q(content_type=ct, object_id=str(obj.pk))
    for child in apps.get_models():
        fk = getattr(child, "history_parent", None)
        if not fk or child._meta.get_field(fk).related_model is not type(obj):
            continue
        child_ct = ContentType.objects.get_for_model(child)
        mine = models.Q(content_type=child_ct, parent_content_type=ct, parent_object_id=str(obj.pk))
        shown |= mine & models.Q(object_id__in=_ids(child._default_manager.for_user(user).filter(**{fk: obj})))
        if shares_scope(child, fk, scope):  # deleted since: seen by whoever sees obj
            shown |= mine & ~models.Q(object_id__in=_ids(child._base_manager.filter(**{fk: obj})))
    records = ChangeRecord.objects.filter(shown).select_related("user", "content_type")[:limit]
    return history_rows(records, user)


class EditView(ResourceView):
    def form(self, obj, data=None):
        initial = None
        if obj is None and data is None:  # "add" links may preset fields: /reports/add/?project=12
            fields = self.resource.form_class.base_fields
            initial = {k: v for k, v in self.request.GET.items() if k in fields}
        return self.resource.form_class(data, instance=obj, user=self.request.user, initial=initial)

    def get(self, request, pk=None):
        self.require_write()
        obj = self.get_object(pk) if pk else None
        self.require_write(obj)
        return self.render_form(self.form(obj), obj)

    def post(self, request, pk=None):
        self.require_write()
        obj = self.get_object(pk) if pk else None
        self.require_write(obj)
        form = self.form(obj, request.POST)
        if form.is_valid():
            try:
                saved = save_in_scope(request.user, form.save_scoped)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已保存：%(obj)s") % {"obj": saved})
                return redirect(object_url(saved))
        return self.render_form(form, obj, status=400)

    def render_form(self, form, obj, status=200):
        title = (_("修改%(what)s") if obj else _("新建%(what)s")) % {"what": self.model._meta.verbose_name}
        ctx = self.base_context(form=form, object=obj, title=title)
        return render(self.request, "core/object_form.html", ctx, status=status)


class DeleteView(ResourceView):
    def get(self, request, pk):
        self.require_write()
        obj = self.get_object(pk)
        self.require_write(obj)
        ctx = self.base_context(object=obj, blocking=dependents(obj), title=_("删除%(what)s") % {"what": obj})
        return render(request, "core/object_confirm_delete.html", ctx)

    def post(self, request, pk):
        self.require_write()
        obj = self.get_object(pk)
        self.require_write(obj)
        try:
            delete_guarded(obj)
        except DeleteRefused as exc:
            messages.error(request, exc.messages[0])
            return redirect(object_url(obj))
        messages.success(request, _("已删除：%(obj)s") % {"obj": obj})
        return redirect(f"{self.resource.slug()}_list")


class ImportView(ResourceView):
    def get(self, request):
        self.require_write()
        return render(
            request,
            "core/object_import.html",
            self.base_context(title=_("导入%(what)s") % {"what": self.model._meta.verbose_name_plural}),
        )

    def post(self, request):
        self.require_write()
        upload = request.FILES.get("file")
        ctx = self.base_context(title=_("导入%(what)s") % {"what": self.model._meta.verbose_name_plural})
        if upload is None:
            ctx["missing_file"] = True
            return render(request, "core/object_import.html", ctx, status=400)
        dry_run = bool(request.POST.get("dry_run"))
        if upload.size > settings.KFQ_SYNC_IMPORT_BYTES:  # large: checked and written in the background
            from kaifaqu.reports import jobs

            staged = jobs.stage(upload.chunks())  # the input first: the job is queued only once it is stored
            params = {"slug": self.resource.slug(), "dry_run": dry_run, "upload": "upload.xlsx"}
            job = jobs.enqueue("list_import", params, request.user, files={"upload.xlsx": staged})
            return redirect("job_detail", pk=job.pk)
        result = self.resource.sheet_class(request.user).import_file(upload, dry_run=dry_run)
        ctx.update(result=result, dry_run=dry_run, filename=upload.name)
        return render(request, "core/object_import.html", ctx, status=200 if result.ok else 400)


class TemplateView(ResourceView):
    def get(self, request):
        sheet = self.resource.sheet_class(request.user)
        return xlsx_response(sheet.template(), f"{self.model._meta.verbose_name_plural}-导入模板.xlsx")


class AutocompleteView(ResourceView):
    def get(self, request):
        qs = self.resource.queryset(request.user).select_related(*self.resource.list_select_related)
        term = request.GET.get("q", "").strip()
        if term and self.resource.filterset_class is not None:
            qs = self.resource.filterset_class({"q": term}, queryset=qs, request=request).qs
        results = [{"id": o.pk, "text": self.resource.autocomplete_text(o)} for o in qs[:20]]
        return JsonResponse({"results": results})


@login_required
def home(request):
    """Each role's own home: the province and the cities their dashboard (``home.HOMES``), everyone else a to-do
    list (``home.PANELS``); the reminders that concern the user on top of either."""
    reminders = home_parts.reminders_for(request)
    own = home_parts.HOMES.get(scope_for(request.user).role)
    if own is not None:
        return own(request, reminders)
    today = timezone.localdate()
    ctx = {"reminders": reminders, "panels": home_parts.panels_for(request, today), "title": _("工作台")}
    return render(request, "core/home.html", ctx)


@login_required
def records(request):
    """台账总览: counts of every kind of record the user can see, grouped by area."""
    groups: dict = {}
    for model, resource in REGISTRY.items():
        if getattr(model, "reference_data", False):  # catalogues and calendars are not work items
            continue
        records = resource.queryset(request.user)
        if records.query.is_empty():  # a kind of record the user's role never sees (bulletins for enterprises)
            continue
        card = {"title": model._meta.verbose_name_plural, "count": records.count()}
        groups.setdefault(model._meta.app_config.verbose_name, []).append(
            {**card, "url": reverse(f"{resource.slug()}_list")}
        )
    cards = [(label, items) for label, items in groups.items()]
    return render(request, "core/records.html", {"groups": cards, "title": _("台账总览")})
