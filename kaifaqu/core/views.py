"""The generic page layer: one :class:`Resource` declaration per model gives its list (filters,
search, sorting, pagination, Excel export), detail page with history, create/edit, guarded delete,
Excel import with template, and a scoped autocomplete — all through ``Model.objects.for_user``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views import View

from .excel import XLSX_CONTENT_TYPE
from .forms import add_errors, style_fields
from .models import ChangeRecord
from .scoping import can_write
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
        return number_format(value, decimal_pos=None, use_l10n=True, force_grouping=True)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "all") and callable(value.all):
        return "、".join(str(v) for v in value.all()) or "—"
    return str(value)


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

    def require_write(self):
        if not can_write(self.request.user, self.model):
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
                cells.append((value if c.render else format_value(value), link))
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
        ctx = self.base_context(
            filterset=fs,
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


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    resp["Content-Disposition"] = content_disposition(filename)
    return resp


def content_disposition(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(name)}"


class DetailView(ResourceView):
    def get(self, request, pk):
        obj = self.get_object(pk)
        names = self.resource.detail_fields or [
            f.name
            for f in self.model._meta.get_fields()
            if (f.concrete or f.many_to_many)
            and not f.auto_created
            and f.name not in ("id", "created_at", "updated_at")
            and not (f.many_to_many and f.auto_created)
        ]
        names = self.resource.visible_fields(request.user, names)
        fields = []
        for name in names:
            value = display(obj, name)
            link = object_url(value) if isinstance(value, models.Model) else None
            fields.append((_field_label(self.model, name), format_value(value), link))
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
        all_names = [f.name for f in self.model._meta.get_fields()]
        hidden = set(all_names) - set(self.resource.visible_fields(request.user, all_names))
        records = ChangeRecord.objects.for_object(obj).select_related("user", "content_type")[:100]
        history = [(record, record.changed_fields(hidden)) for record in records]
        ctx = self.base_context(object=obj, fields=fields, related=related, history=history, title=str(obj))
        ctx.update(self.resource.detail_context(obj, request))
        return render(request, self.resource.detail_template, ctx)


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
        return self.render_form(self.form(obj), obj)

    def post(self, request, pk=None):
        self.require_write()
        obj = self.get_object(pk) if pk else None
        form = self.form(obj, request.POST)
        if form.is_valid():
            try:
                saved = save_in_scope(request.user, form.save_scoped)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已保存:%(obj)s") % {"obj": saved})
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
        ctx = self.base_context(object=obj, blocking=dependents(obj), title=_("删除%(what)s") % {"what": obj})
        return render(request, "core/object_confirm_delete.html", ctx)

    def post(self, request, pk):
        self.require_write()
        obj = self.get_object(pk)
        try:
            delete_guarded(obj)
        except DeleteRefused as exc:
            messages.error(request, exc.messages[0])
            return redirect(object_url(obj))
        messages.success(request, _("已删除:%(obj)s") % {"obj": obj})
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

            job = jobs.enqueue(
                "list_import", {"slug": self.resource.slug(), "dry_run": dry_run, "upload": "upload.xlsx"}, request.user
            )
            with (jobs.job_dir(job) / "upload.xlsx").open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
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


# Reminder providers: callables (request) -> list of (label, count, url); apps register them in ready().
REMINDERS: list = []


@login_required
def home(request):
    """Counts of what the user can see, grouped by area, and the reminders that concern them."""
    groups: dict = {}
    for model, resource in REGISTRY.items():
        if not getattr(model, "reference_data", False):  # catalogues and calendars are not work items
            groups.setdefault(model._meta.app_config.verbose_name, []).append(
                {
                    "title": model._meta.verbose_name_plural,
                    "count": resource.queryset(request.user).count(),
                    "url": reverse(f"{resource.slug()}_list"),
                }
            )
    cards = [(label, items) for label, items in groups.items()]
    reminders = [item for provider in REMINDERS for item in provider(request) if item[1]]
    return render(request, "core/home.html", {"groups": cards, "reminders": reminders, "title": _("工作台")})
