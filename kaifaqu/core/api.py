"""The generic API layer: scoped viewsets whose serializers validate with the models' own rules."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .asof import Snapshot
from .fields import MonthField
from .scoping import may_change
from .services import DeleteRefused, OutOfScope, delete_guarded, write_transaction


class ConflictError(exceptions.APIException):
    """409: a concurrent writer changed the record first (see core.services.Conflict)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def to_drf(exc: DjangoValidationError) -> serializers.ValidationError:
    if getattr(exc, "code", None) == "conflict":
        return ConflictError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages})
    if hasattr(exc, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if k == NON_FIELD_ERRORS else k): v for k, v in exc.message_dict.items()
        }
        return serializers.ValidationError(detail)
    return serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages})


class MonthSerializerField(serializers.DateField):
    """A month: written as the date of its 1st day (as before); read as that date or as YYYY-MM (2026-11)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [api_settings.DATE_INPUT_FORMATS[0], "%Y-%m"])
        super().__init__(**kwargs)


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related-record fields accept only records in the user's scope; the model's ``full_clean``
    (field validators, ``clean()``, constraints) runs on every write, as it does for forms."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        MonthField: MonthSerializerField,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in self.fields.values():
            target = getattr(field, "child_relation", field)
            qs = getattr(target, "queryset", None)
            if qs is not None and hasattr(qs, "for_user") and user is not None:
                target.queryset = qs.for_user(user)

    def build_standard_field(self, field_name, model_field):
        """DRF turns a model's min/max validators into its own checks with its own messages; keep the model's
        (they name the field: 年度不能早于2004年)."""
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        for validator in model_field.validators:
            key = {MinValueValidator: "min_value", MaxValueValidator: "max_value"}.get(type(validator))
            if key and kwargs.get(key) == validator.limit_value and validator.message != type(validator).message:
                message = str(validator.message) % {"limit_value": validator.limit_value}
                kwargs["error_messages"] = {**kwargs.get("error_messages", {}), key: message}
        return field_class, kwargs

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        m2m = {f.name for f in model._meta.many_to_many}
        if self.instance is not None:
            candidate = model(**{f.attname: getattr(self.instance, f.attname) for f in model._meta.concrete_fields})
            candidate._state.adding = False
        else:
            candidate = model()
        for key, value in attrs.items():
            if key not in m2m:
                setattr(candidate, key, value)
        plain = [f for f in model._meta.concrete_fields if not f.is_relation]
        before = {f.name: getattr(candidate, f.attname) for f in plain}
        try:
            candidate.full_clean(exclude=list(m2m))
        except DjangoValidationError as exc:
            raise to_drf(exc) from exc
        # What clean() derives (a bundle's 实际同发日期) is written, as the form writes its cleaned instance.
        for f in plain:
            value = getattr(candidate, f.attname)
            if value != before[f.name]:
                attrs[f.name] = value
        return attrs


def exact(value):
    """Decimals as exact strings, as everywhere else in the API."""
    return str(value) if isinstance(value, Decimal) else value


class ScopedViewSet(viewsets.ModelViewSet):
    """CRUD over ``resource``'s model for the requesting user's scope; plus Excel import."""

    resource = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator: the model, no query
            return self.resource.model._default_manager.none()
        qs = self.resource.queryset(self.request.user)
        return qs.select_related(*self.resource.list_select_related).prefetch_related(
            *self.resource.list_prefetch_related, *self.many_to_many()
        )

    def list(self, request, *args, **kwargs):
        """A page of records and, where the resource sums them, ``totals``: what the whole filtered set adds up to
        (decimals as exact strings rounded as shown, the same figures as above the page's list)."""
        response = super().list(request, *args, **kwargs)
        if isinstance(response.data, dict):
            totals = self.resource.totals(self.filter_queryset(self.get_queryset()), request.query_params)
            if totals is not None:
                response.data["totals"] = {k: exact(v) for k, v in totals.figures.items()}
        return response

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATE,
                required=False,
                description="YYYY-MM-DD: the record as it stood at the end of that day, from the change history",
            )
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        """A record; with ``?as_of=YYYY-MM-DD`` as it stood at the end of that day, rebuilt from the change history
        (a problem's status on that day). The record must be one the user sees now."""
        if "as_of" not in request.query_params:
            return super().retrieve(request, *args, **kwargs)
        day = serializers.DateField().run_validation(request.query_params["as_of"])
        if day > timezone.localdate():
            raise serializers.ValidationError({"as_of": [_("不能查询未来日期")]})
        current = self.get_object()
        then = Snapshot(day).rows(type(current), [current.pk]).get(current.pk)
        if then is None:
            raise exceptions.NotFound(_("该日尚无此记录"))
        return Response({**self.get_serializer(then).data, "as_of": day.isoformat()})

    def many_to_many(self) -> list[str]:
        """The serializer's many-to-many fields: read for the whole page at once, not per record."""
        fields = getattr(getattr(self.get_serializer_class(), "Meta", None), "fields", ())
        names = {f.name for f in self.resource.model._meta.many_to_many}
        return [name for name in fields if name in names and name not in self.resource.list_prefetch_related]

    @property
    def filterset_class(self):
        return self.resource.filterset_class

    def _save_in_scope(self, serializer):
        try:
            with write_transaction():
                obj = serializer.save()
                if not may_change(self.request.user, obj):
                    raise to_drf(OutOfScope())
        except DjangoValidationError as exc:  # a concurrent writer won (core.services.Conflict)
            raise to_drf(exc) from exc

    def _require_change(self, instance):
        """A record the user sees but may not change (the province's, read by a city) is refused."""
        if not may_change(self.request.user, instance):
            raise exceptions.PermissionDenied()

    def perform_create(self, serializer):
        self._save_in_scope(serializer)

    def perform_update(self, serializer):
        self._require_change(serializer.instance)
        self._save_in_scope(serializer)

    def perform_destroy(self, instance):
        self._require_change(instance)
        try:
            delete_guarded(instance)
        except DeleteRefused as exc:
            raise to_drf(exc) from exc

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}, "dry_run": {"type": "boolean"}},
            }
        },
        responses={200: dict, 400: dict},
        description="All-or-nothing import of an .xlsx sheet laid out as the HTML template; every bad row is reported.",
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[parsers.MultiPartParser])
    def import_xlsx(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("请上传 .xlsx 文件")]})
        dry_run = str(request.data.get("dry_run", "")).lower() in {"1", "true", "yes"}
        result = self.resource.sheet_class(request.user).import_file(upload, dry_run=dry_run)
        body = {
            "ok": result.ok,
            "dry_run": dry_run,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors],
        }
        return Response(body, status=status.HTTP_200_OK if result.ok else status.HTTP_400_BAD_REQUEST)


class ServiceSerializer(ScopedModelSerializer):
    """A serializer whose writes go through a service (rules beyond one row, derived records), exactly as
    the page's form does. Subclasses implement :meth:`write`."""

    def write(self, instance, old):
        """Save ``instance`` (``old`` is the stored version, or None) and return it."""
        raise NotImplementedError

    def save(self, **kwargs):
        model = self.Meta.model
        old = model._base_manager.get(pk=self.instance.pk) if self.instance is not None else None
        instance = self.instance if self.instance is not None else model()
        for key, value in {**self.validated_data, **kwargs}.items():
            setattr(instance, key, value)
        try:
            self.instance = self.write(instance, old)
        except DjangoValidationError as exc:
            raise to_drf(exc) from exc
        return self.instance


def model_serializer(model, fields, read_only=(), base=ScopedModelSerializer):
    """A ScopedModelSerializer (or ``base``) for ``model`` with ``fields`` (plus the id)."""
    meta = type("Meta", (), {"model": model, "fields": ["id", *fields], "read_only_fields": list(read_only)})
    return type(f"{model.__name__}Serializer", (base,), {"Meta": meta})


def scoped_viewset(resource, serializer, ordering=()):
    """The API twin of a page ``Resource``: same scope, filters, import."""
    return type(
        f"{resource.model.__name__}ViewSet",
        (ScopedViewSet,),
        {"resource": resource, "serializer_class": serializer, "ordering_fields": list(ordering)},
    )
