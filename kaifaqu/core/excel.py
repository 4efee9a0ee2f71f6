"""Excel in and out: one mechanism for every registry and ledger.

A :class:`SheetSpec` names a model and its columns (Chinese headers). From it come
- the export of any queryset (a list with its current filters),
- the downloadable import template (same headers, required ones marked, rules in cell notes),
- the all-or-nothing import: every row is parsed and validated with the model's own rules, every
  error is collected as (row, column, reason); only a sheet with no error is written, in one
  transaction, with bulk inserts and one change-history entry per record.

Rows whose key (``SheetSpec.key``) matches a record in the user's scope update it; other rows
create records. The export of a list can be edited and imported back.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import CheckConstraint, UniqueConstraint
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kaifaqu.lib.qeval import Unsupported, evaluate

from .fields import MonthField, parse_month
from .history import change_context, record_bulk, serialize
from .models import ChangeAction, ChangeSource
from .scoping import ScopedQuerySet, can_write, merge_links
from .services import Conflict, write_transaction
from .validators import text_problem
from .xlsxread import ERROR_VALUE, UNEVALUATED, Unreadable, read_first_sheet

AMBIGUOUS = object()  # a lookup name shared by several records in scope
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", ""}
LIST_SPLIT = re.compile(r"[、,,;;\n]+")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$", re.ASCII)
MAX_INTEGER_DIGITS = 18  # beyond any integer field (and int() of "1e999999999" would build a 10⁹-digit number)
EDGE_WHITESPACE = " \t\r\n"


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel numbers it: the header is row 1
    column: str
    message: str


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class SheetColumn:
    """One column of a sheet: a model field (or a many-to-many), its header and how it is read."""

    field: str
    header: str | None = None
    required: bool | None = None
    lookup: str = "name"  # natural key of the related record for FK / M2M columns
    note: str = ""
    # A form field that writes and reads the cell, for a value no model field type describes (a scheme's groups
    # in a JSON field): its prepare_value() renders the value, its to_python() parses the cell's text.
    form_field: type | None = None

    def bind(self, model) -> SheetColumn:
        self.model_field = model._meta.get_field(self.field)
        # Line breaks are kept in a multi-line text and separate the names of a many-to-many cell.
        self.multiline = (
            isinstance(self.model_field, models.TextField) or self.model_field.many_to_many or bool(self.form_field)
        )
        if self.header is None:
            self.header = str(self.model_field.verbose_name)
        if self.required is None:
            f = self.model_field
            self.required = not (f.blank or f.many_to_many or isinstance(f, models.BooleanField))
        return self

    # -- export ---------------------------------------------------------------------------------
    def render(self, obj):
        f = self.model_field
        if f.many_to_many:
            return "、".join(sorted(getattr(o, self.lookup) for o in getattr(obj, self.field).all()))
        value = getattr(obj, self.field)
        if value is None:
            return None
        if self.form_field:
            return self.form_field().prepare_value(value)
        if f.is_relation:
            return getattr(value, self.lookup)
        if f.choices:
            return getattr(obj, f"get_{self.field}_display")() if value != "" else ""
        if isinstance(f, models.BooleanField):
            return _("是") if value else _("否")
        return value

    def rule(self) -> str:
        """The rule a value must follow, written into the template's cell note."""
        f = self.model_field
        if self.note:
            return self.note
        if f.many_to_many:
            return _("填写%(what)s名称，多个用顿号（、）分隔") % {"what": f.related_model._meta.verbose_name}
        if f.is_relation:
            return _("填写已登记的%(what)s名称") % {"what": f.related_model._meta.verbose_name}
        if f.choices:
            return _("可选：") + "、".join(str(label) for _v, label in f.choices)
        if isinstance(f, models.BooleanField):
            return _("填写 是 或 否")
        if isinstance(f, MonthField):
            return _("月份，格式 YYYY-MM（如 2026-11）或该月1日")
        if isinstance(f, models.DateField):
            return _("日期，格式 YYYY-MM-DD")
        if isinstance(f, models.DecimalField):
            return _("数字，最多%(places)s位小数") % {"places": f.decimal_places}
        if isinstance(f, models.CharField):
            return _("文字，最多%(n)s个字") % {"n": f.max_length}
        return ""

    # -- import ---------------------------------------------------------------------------------
    def parse(self, raw, lookups: dict):
        """Turn a cell into the value the model field takes; raise ValidationError with a reason."""
        f = self.model_field
        if raw is UNEVALUATED:
            raise ValidationError(
                _("该单元格是公式，但文件中没有保存计算结果；请在 Excel 中打开并保存后再导入，或直接填写数值")
            )
        if raw is ERROR_VALUE:
            raise ValidationError(_("该单元格是错误值（如 #N/A、#DIV/0!），请修正后再导入"))
        if isinstance(raw, str):
            # The rule of every text field (core.validators), for every cell before it is looked up or
            # stored: a control character would otherwise reach the database (NUL) or the next export.
            problem = text_problem(raw.strip(EDGE_WHITESPACE), multiline=self.multiline)
            if problem:
                raise ValidationError(problem)
        text = _cell_text(raw)
        if text == "":
            if self.required:
                raise ValidationError(_("必填，不能为空"))
            if f.many_to_many:
                return []
            if isinstance(f, models.BooleanField):
                return False
            return "" if (isinstance(f, models.CharField | models.TextField) and not f.null) else None
        if self.form_field:
            from django import forms

            try:
                return self.form_field().to_python(text)
            except forms.ValidationError as exc:
                raise ValidationError(exc.messages) from None
        if f.many_to_many:
            names = [n.strip() for n in LIST_SPLIT.split(text) if n.strip()]
            found, missing = [], []
            for n in names:
                (found.append(lookups[self.field][n]) if n in lookups[self.field] else missing.append(n))
            if AMBIGUOUS in found:
                raise ValidationError(_("名称对应多条记录，无法确定：%(v)s") % {"v": "、".join(names)})
            if missing:
                raise ValidationError(_("不存在或不在您的管辖范围：%(v)s") % {"v": "、".join(missing)})
            return found
        if f.is_relation:
            try:
                found = lookups[self.field][text]
            except KeyError:
                raise ValidationError(_("不存在或不在您的管辖范围：%(v)s") % {"v": text}) from None
            if found is AMBIGUOUS:
                raise ValidationError(_("名称对应多条记录，无法确定：%(v)s") % {"v": text})
            return found
        if f.choices:
            for value, label in f.choices:
                if text in (str(label), value):
                    return value
            raise ValidationError(_("应为以下之一：%(v)s") % {"v": "、".join(str(label) for _v, label in f.choices)})
        if isinstance(f, models.BooleanField):
            low = text.lower()
            if low in TRUE_WORDS:
                return True
            if low in FALSE_WORDS:
                return False
            raise ValidationError(_("应填写 是 或 否"))
        if isinstance(f, models.DateField):
            if isinstance(f, MonthField) and parse_month(text):
                return parse_month(text)  # 2026-11: the month's 1st
            if isinstance(raw, datetime.datetime):
                return raw.date()
            if isinstance(raw, datetime.date):
                return raw
            if DATE_RE.match(text):
                try:
                    return datetime.date.fromisoformat(text)
                except ValueError:
                    pass
            elif DATE_RE.match(unicodedata.normalize("NFKC", text)):
                raise ValidationError(
                    _("日期应使用半角数字，格式 YYYY-MM-DD（如 2025-09-30），当前为“%(v)s”") % {"v": _shown(text)}
                )
            raise ValidationError(_("日期格式应为 YYYY-MM-DD（如 2025-09-30），当前为“%(v)s”") % {"v": _shown(text)})
        if isinstance(f, models.DecimalField):
            value = _number(raw, text, _("应为数字，当前为“%(v)s”"))
            # As the database stores it (300.0 from a numeric cell is 300.00), so that messages and history
            # show the figure as the page does; more places than the field holds are left for its rule.
            try:
                exact = value.quantize(Decimal(1).scaleb(-f.decimal_places))
            except InvalidOperation:  # too many digits (or not finite): the field's own rule refuses it
                return value
            return exact if exact == value else value
        if isinstance(f, models.IntegerField):
            value = _number(raw, text, _("应为整数，当前为“%(v)s”"))
            if value.adjusted() >= MAX_INTEGER_DIGITS:
                raise ValidationError(_("数值过大，当前为“%(v)s”") % {"v": _shown(text)})
            if value != value.to_integral_value():
                raise ValidationError(_("应为整数，当前为“%(v)s”") % {"v": _shown(text)})
            return int(value)
        return text


def _shown(text: str, limit: int = 40) -> str:
    """A cell's text as quoted in a message: cut short, so a 30,000-character cell does not flood the page."""
    return text if len(text) <= limit else text[:limit] + "…"


def _number(raw, text: str, message: str) -> Decimal:
    """A number cell: a number, or text in ASCII digits (thousands commas allowed); finite."""
    if isinstance(raw, bool):
        raise ValidationError(message % {"v": text})
    if isinstance(raw, float | int):
        value = Decimal(repr(raw))
    else:
        plain = text.replace(",", "")
        if not NUMBER_RE.match(plain):
            if NUMBER_RE.match(unicodedata.normalize("NFKC", plain).replace(",", "")):
                raise ValidationError(_("应使用半角数字（不要使用全角数字），当前为“%(v)s”") % {"v": _shown(text)})
            raise ValidationError(message % {"v": _shown(text)})
        value = Decimal(plain)
    if not value.is_finite():
        raise ValidationError(message % {"v": _shown(text)})
    return value


def _cell_text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat() if raw.time() == datetime.time() else raw.isoformat(sep=" ")
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    return str(raw).strip()


def header_key(text: str) -> str:
    """A header as matched: full- and half-width forms are one (NFKC), and so are spaces around punctuation."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def _clean_header(text) -> str:
    return _cell_text(text).rstrip("*").strip()


def _printable(text: str) -> str:
    """A header as quoted in a message: control characters spelled out, cut short."""
    return _shown(re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"U+{ord(m.group(0)):04X}", text))


class SheetSpec:
    """How one model is written to and read from a sheet. Subclass per model; see zones/sheets.py."""

    model: type[models.Model]
    columns: list[SheetColumn]
    key: tuple[str, ...] = ("name",)
    title: str | None = None
    importable = True  # False where a write must go through a service (e.g. signing creates a project)

    def __init__(self, user):
        self.user = user
        self.columns = [dataclasses.replace(c).bind(self.model) for c in type(self).columns]

    # -- export ---------------------------------------------------------------------------------
    def sheet_title(self) -> str:
        return str(self.title or self.model._meta.verbose_name_plural)

    def export_queryset(self, queryset):
        related = [c.field for c in self.columns if c.model_field.is_relation and not c.model_field.many_to_many]
        m2m = [c.field for c in self.columns if c.model_field.many_to_many]
        return queryset.select_related(*related).prefetch_related(*m2m)

    def export(self, queryset) -> bytes:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(self.sheet_title()[:31])
        ws.freeze_panes = "A2"
        for i, c in enumerate(self.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(c.header) * 2 + 4))
        ws.append(xlsx_row(ws, [c.header for c in self.columns]))
        for obj in self.export_queryset(queryset).iterator(chunk_size=2000):
            ws.append(xlsx_row(ws, [c.render(obj) for c in self.columns]))
        return save_workbook(wb)

    def template(self) -> bytes:
        wb = Workbook()
        ws = wb.active
        ws.title = self.sheet_title()[:31]
        required_font = Font(bold=True, color="C00000")
        fill = PatternFill("solid", fgColor="F2F2F2")
        for i, c in enumerate(self.columns, start=1):
            cell = set_cell(ws.cell(row=1, column=i), f"{c.header}*" if c.required else c.header)
            cell.font = required_font if c.required else Font(bold=True)
            cell.fill = fill
            rule = c.rule()
            if rule:
                cell.comment = Comment(("必填。" if c.required else "") + rule, "Kaifaqu")
            ws.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(c.header) * 2 + 6))
            f = c.model_field
            options = None
            if f.choices and not f.is_relation:
                options = [str(label) for _v, label in f.choices]
            elif isinstance(f, models.BooleanField):
                options = [_("是"), _("否")]
            if options:
                dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
                ws.add_data_validation(dv)
                dv.add(f"{get_column_letter(i)}2:{get_column_letter(i)}10000")
        ws.freeze_panes = "A2"
        notes = wb.create_sheet(_("填写说明"))
        notes.append(xlsx_row(notes, [_("列"), _("是否必填"), _("规则")]))
        for c in self.columns:
            notes.append(xlsx_row(notes, [c.header, _("是") if c.required else _("否"), c.rule()]))
        notes.append([])
        notes.append(
            xlsx_row(
                notes,
                [
                    _(
                        "说明：按“%(key)s”匹配已有记录并更新，其余行新建。同一记录在表中只能出现一行；任何一行有错误时整张表都不会写入。"
                    )
                    % {"key": "+".join(self._column_for(k).header for k in self.key)}
                ],
            )
        )
        return save_workbook(wb)

    # -- import ---------------------------------------------------------------------------------
    def scoped(self, model):
        manager = model._default_manager
        return manager.for_user(self.user) if hasattr(manager, "for_user") else manager.all()

    def build_lookups(self) -> dict:
        """Natural key → object maps for every FK / M2M column, restricted to the user's scope."""
        lookups = {}
        for c in self.columns:
            if c.model_field.is_relation:
                qs = self.scoped(c.model_field.related_model)
                # Accept the natural key ("大同") and the display name ("大同市"); a name shared by two
                # records in scope (same company courted by two zones) is ambiguous and refused.
                table, ambiguous = {}, set()
                for o in qs:
                    for key in {str(getattr(o, c.lookup)), str(o)}:
                        if key in table and table[key].pk != o.pk:
                            ambiguous.add(key)
                        table[key] = o
                for key in ambiguous:
                    table[key] = AMBIGUOUS
                lookups[c.field] = table
        return lookups

    def _column_for(self, name) -> SheetColumn:
        return next(c for c in self.columns if c.field == name)

    def _key_of(self, values: dict, instance=None) -> tuple:
        out = []
        for k in self.key:
            v = values[k] if values is not None else getattr(instance, k)
            out.append(v.pk if isinstance(v, models.Model) else v)
        return tuple(out)

    def _key_filter(self, keys):
        """A filter matching (a superset of) the given key tuples."""
        q = models.Q()
        for i, k in enumerate(self.key):
            values = {key[i] for key in keys}
            part = models.Q(**{f"{self._attname(k)}__in": [v for v in values if v is not None]})
            if None in values:  # a blank optional key column (a yearly run has no quarter): IN never matches NULL
                part |= models.Q(**{f"{self._attname(k)}__isnull": True})
            q &= part
        return q

    def _instance_key(self, obj) -> tuple:
        return tuple(getattr(obj, self._attname(k)) for k in self.key)

    def read_rows(self, fileobj) -> list[list]:
        """The first sheet's rows, read within the limits of core.xlsxread (never an unbounded allocation)."""
        try:
            return read_first_sheet(fileobj)
        except Unreadable as exc:
            raise ImportFailed([RowError(0, "", str(exc))]) from exc

    def import_file(self, fileobj, *, dry_run: bool = False) -> ImportResult:
        try:
            rows = self.read_rows(fileobj)
            return self.import_rows(rows, dry_run=dry_run)
        except ImportFailed as failed:
            return ImportResult(errors=failed.errors)
        except Conflict as exc:  # a concurrent writer won: nothing was written
            return ImportResult(errors=[RowError(0, "", exc.messages[0])])

    def import_rows(self, rows: list[list], *, dry_run: bool = False) -> ImportResult:
        from django.conf import settings

        if not self.importable:
            raise ImportFailed(
                [
                    RowError(
                        0,
                        "",
                        _("%(what)s不能通过 Excel 导入，请在页面上逐条登记") % {"what": self.model._meta.verbose_name},
                    )
                ]
            )
        if not can_write(self.user, self.model):
            raise ImportFailed(
                [RowError(0, "", _("您没有导入%(what)s的权限") % {"what": self.model._meta.verbose_name})]
            )
        # Header
        while rows and all(_cell_text(v) == "" for v in rows[-1]):
            rows.pop()
        if not rows:
            raise ImportFailed([RowError(1, "", _("表格为空：第1行应为表头"))])
        header = [_clean_header(h) for h in rows[0]]
        errors: list[RowError] = []
        positions = {}
        # A header is known whichever width its punctuation is typed in: 总投资(万元) is 总投资（万元）.
        known = {header_key(c.header): c for c in self.columns}
        for idx, h in enumerate(header):
            if not h:
                continue
            c = known.get(header_key(h))
            if c is None:
                errors.append(RowError(1, _printable(h), _("无法识别的列，请使用下载的模板")))
            elif c.header in positions:
                errors.append(RowError(1, c.header, _("列重复")))
            else:
                positions[c.header] = idx
        for c in self.columns:
            if c.required and c.header not in positions:
                errors.append(RowError(1, c.header, _("缺少必填列")))
        if errors:
            raise ImportFailed(errors)
        present = [c for c in self.columns if c.header in positions]
        data_rows = rows[1:]
        if len(data_rows) > settings.KFQ_IMPORT_MAX_ROWS:
            raise ImportFailed(
                [RowError(0, "", _("一次最多导入 %(n)s 行，请拆分文件") % {"n": settings.KFQ_IMPORT_MAX_ROWS})]
            )

        lookups = self.build_lookups()
        # Pass 1: parse cells.
        parsed: list[tuple[int, dict, set]] = []  # (row number, values, fields that failed to parse)
        for offset, row in enumerate(data_rows):
            rownum = offset + 2
            if all(_cell_text(v) == "" for v in row):
                continue
            values, failed = {}, set()
            for c in present:
                idx = positions[c.header]
                raw = row[idx] if idx < len(row) else None
                try:
                    values[c.field] = c.parse(raw, lookups)
                except ValidationError as exc:
                    failed.add(c.field)
                    errors.extend(RowError(rownum, c.header, m) for m in exc.messages)
            parsed.append((rownum, values, failed))
        if not parsed and not errors:
            raise ImportFailed([RowError(2, "", _("表格中没有数据行"))])

        # Match existing records by key: in scope → update; out of scope → refuse.
        keys = [self._key_of(v) for _r, v, _f in parsed if all(k in v for k in self.key)]
        existing, foreign = {}, set()
        if keys:
            for chunk in _chunks(keys, 500):
                q = self._key_filter(chunk)
                for obj in self.model._default_manager.writable_by(self.user).filter(q):
                    existing[self._instance_key(obj)] = obj
                for k in self.model._base_manager.filter(q).values_list(*[self._attname(k) for k in self.key]):
                    foreign.add(tuple(k))
            foreign -= set(existing)
        m2m_cols = [c for c in present if c.model_field.many_to_many]
        plain_cols = [c for c in present if not c.model_field.many_to_many]
        prefetched_m2m = self._current_m2m(existing.values(), m2m_cols)

        # Pass 2: build instances and validate them with the model's own rules.
        header_of = {c.field: c.header for c in self.columns}
        checks = [c for c in self.model._meta.constraints if isinstance(c, CheckConstraint)]
        exclude = [f.name for f in self.model._meta.get_fields() if f.name not in {c.field for c in plain_cols}]
        exclude += [c.field for c in plain_cols if c.model_field.is_relation]  # resolved from scoped maps
        staged = []  # (rownum, instance, before, m2m values, is_new)
        key_rows: dict[tuple, int] = {}  # key → the first row holding it
        key_header = "+".join(header_of[k] for k in self.key)
        for rownum, values, failed in parsed:
            key = self._key_of(values) if all(k in values for k in self.key) else None
            # Two rows with one key would both create a record, or both update the same one.
            duplicate = key is not None and key in key_rows
            if duplicate:
                errors.append(
                    RowError(
                        rownum,
                        header_of[self.key[-1]],
                        _("与第 %(n)s 行重复：按“%(key)s”每条记录只能出现一行")
                        % {"n": key_rows[key], "key": key_header},
                    )
                )
            elif key is not None:
                key_rows[key] = rownum
            if key in foreign:
                if not duplicate:
                    errors.append(
                        RowError(rownum, header_of[self.key[-1]], _("该记录已存在，但不在您的管辖范围内，不能导入修改"))
                    )
                continue
            current = existing.get(key)
            if current is not None:
                instance = self.model(
                    **{f.attname: getattr(current, f.attname) for f in self.model._meta.concrete_fields}
                )
                instance._state.adding = False
                before = serialize(current)
            else:
                instance, before = self.model(), None
            for c in plain_cols:
                if c.field not in failed:
                    setattr(instance, c.field, values[c.field])
            try:
                # Validate what parsed, so one pass reports every problem of the row.
                instance.full_clean(exclude=exclude + list(failed), validate_unique=False, validate_constraints=False)
                if not failed:
                    for check in checks:
                        _validate_check(check, self.model, instance)
            except ValidationError as exc:  # a check constraint's error names no field
                by_field = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
                for fname, msgs in by_field.items():
                    col = header_of.get(fname, "") if fname != NON_FIELD_ERRORS else ""
                    errors.extend(RowError(rownum, col, m) for m in msgs)
                continue
            if failed or duplicate:
                continue
            staged.append((rownum, instance, before, {c.field: values[c.field] for c in m2m_cols}, current is None))

        # The rules across rows read what the write will change: a real import checks and writes in one
        # transaction, holding the locks its rules need (lock_rows) against concurrent writers.
        with nullcontext() if dry_run else write_transaction():
            if not dry_run:
                self.lock_rows(staged)
            errors.extend(self._unique_errors(staged, header_of))
            if not errors:
                errors.extend(self.validate_rows(staged, header_of))
            if errors:
                raise ImportFailed(sorted(errors, key=lambda e: (e.row, e.column)))
            result = ImportResult()
            if dry_run:
                result.created = sum(1 for s in staged if s[4])
                result.updated = len(staged) - result.created
                return result
            self._write(staged, plain_cols, m2m_cols, prefetched_m2m, result)
        return result

    def lock_rows(self, staged) -> None:
        """Inside the import's transaction, before the cross-row rules: lock what they read (none by default)."""

    def validate_rows(self, staged, header_of) -> list[RowError]:
        """Rules across rows and stored records (a ledger's cumulative figures); none by default.

        ``staged`` holds (row number, instance, before, m2m values, is_new) of rows that passed.
        """
        return []

    def after_write(self, instances) -> None:
        """Called inside the import's transaction with the created and updated records (derived columns)."""

    def _attname(self, name):
        return self.model._meta.get_field(name).attname

    def _current_m2m(self, objs, m2m_cols) -> dict:
        """{pk: {field: set(target ids)}} for existing records."""
        out: dict = {}
        objs = list(objs)
        for c in m2m_cols:
            through = c.model_field.remote_field.through
            src = c.model_field.m2m_field_name() + "_id"
            dst = c.model_field.m2m_reverse_field_name() + "_id"
            for chunk in _chunks([o.pk for o in objs], 500):
                for s, d in through._default_manager.filter(**{f"{src}__in": chunk}).values_list(src, dst):
                    out.setdefault(s, {}).setdefault(c.field, set()).add(d)
        return out

    def _unique_errors(self, staged, header_of) -> list[RowError]:
        errors = []
        sets = [((f.name,), None, None) for f in self.model._meta.concrete_fields if f.unique and not f.primary_key]
        sets += [
            (tuple(c.fields), c.violation_error_message, c.condition)
            for c in self.model._meta.constraints
            if isinstance(c, UniqueConstraint) and c.fields
        ]
        for fields, message, condition in sets:
            attnames = [self._attname(f) for f in fields]
            seen: dict[tuple, int] = {}
            wanted = []
            for rownum, inst, _b, _m, _new in staged:
                vals = tuple(getattr(inst, a) for a in attnames)
                if any(v in ("", None) for v in vals):
                    continue
                col = header_of.get(fields[-1], "")
                if vals in seen:
                    errors.append(RowError(rownum, col, _("与第 %(n)s 行重复") % {"n": seen[vals]}))
                    continue
                seen[vals] = rownum
                wanted.append((rownum, inst, vals))
            for chunk in _chunks(wanted, 500):
                # A partial unique index is only used when the query repeats the index's condition.
                q = condition if condition is not None else models.Q()
                for i, a in enumerate(attnames):
                    q &= models.Q(**{f"{a}__in": list({w[2][i] for w in chunk})})
                taken = {tuple(r[:-1]): r[-1] for r in self.model._base_manager.filter(q).values_list(*attnames, "pk")}
                for rownum, inst, vals in chunk:
                    other = taken.get(vals)
                    if other is not None and other != inst.pk:
                        text = (
                            str(message)
                            if message
                            else _("%(field)s“%(value)s”已存在")
                            % {"field": header_of.get(fields[-1], fields[-1]), "value": vals[-1]}
                        )
                        errors.append(RowError(rownum, header_of.get(fields[-1], ""), text))
        return errors

    def _write(self, staged, plain_cols, m2m_cols, prefetched_m2m, result: ImportResult) -> None:
        fields = [c.field for c in plain_cols]
        now = timezone.now()
        with transaction.atomic(), change_context(source=ChangeSource.IMPORT, user=self.user) as ctx:
            # Derived columns are a step of the write, as in the model's save(): bulk writes skip save().
            derived = list(getattr(self.model, "derived_fields", ()))
            if derived:
                for s in staged:
                    s[1].derive_fields()
            new = [s for s in staged if s[4]]
            changed = []
            for s in staged:
                if s[4]:
                    continue
                if serialize(s[1]) != s[2] or any(
                    set(o.pk for o in s[3][c.field]) != prefetched_m2m.get(s[1].pk, {}).get(c.field, set())
                    for c in m2m_cols
                ):
                    changed.append(s)
            result.created, result.updated = len(new), len(changed)
            result.unchanged = len(staged) - len(new) - len(changed)
            creator = getattr(self.model, "created_by_field", None)
            if creator and getattr(self.user, "pk", None):
                for s in new:
                    setattr(s[1], creator, self.user)
            self.model._base_manager.bulk_create([s[1] for s in new], batch_size=500)
            if changed:
                has_updated_at = any(f.name == "updated_at" for f in self.model._meta.concrete_fields)
                for s in changed:
                    if has_updated_at:
                        s[1].updated_at = now
                upd_fields = fields + derived + (["updated_at"] if has_updated_at else [])
                self.model._base_manager.bulk_update([s[1] for s in changed], upd_fields, batch_size=500)
            history = [(s[1], ChangeAction.CREATE, None, serialize(s[1])) for s in new]
            history += [(s[1], ChangeAction.UPDATE, s[2], serialize(s[1])) for s in changed]
            for c in m2m_cols:
                history += self._write_m2m(c, new + changed, prefetched_m2m)
            record_bulk(history, ctx)
            self.after_write([s[1] for s in new + changed])
            # The re-check every write gets: nothing may end up outside the importer's scope.
            pks = [s[1].pk for s in new + changed]
            if pks and isinstance(self.model._default_manager.all(), ScopedQuerySet):
                visible = set()
                for chunk in _chunks(pks, 500):
                    visible |= set(
                        self.model._default_manager.writable_by(self.user)
                        .filter(pk__in=chunk)
                        .values_list("pk", flat=True)
                    )
                lost = [s[0] for s in new + changed if s[1].pk not in visible]
                if lost:
                    raise ImportFailed([RowError(r, "", _("保存后该记录将不在您的管辖范围内")) for r in lost])

    def _write_m2m(self, column: SheetColumn, rows, prefetched) -> list:
        """Set many-to-many links; links to records outside the user's scope are kept untouched."""
        f = column.model_field
        through = f.remote_field.through
        src, dst = f.m2m_field_name(), f.m2m_reverse_field_name()
        visible = set(self.scoped(f.related_model).values_list("pk", flat=True))
        to_add, to_remove = [], []
        for _r, inst, _b, m2m, _new in rows:
            current = prefetched.get(inst.pk, {}).get(column.field, set())
            targets = {o.pk: o for o in m2m[column.field]}
            add, remove = merge_links(current, set(targets), visible)
            to_add += [through(**{src: inst, dst: targets[pk]}) for pk in sorted(add)]
            to_remove += [(inst.pk, pk) for pk in remove]
        through._default_manager.bulk_create(to_add, batch_size=500)
        history = [(link, ChangeAction.CREATE, None, serialize(link)) for link in to_add]
        for chunk in _chunks(to_remove, 200):
            q = models.Q()
            for s_id, d_id in chunk:
                q |= models.Q(**{f"{src}_id": s_id, f"{dst}_id": d_id})
            links = list(through._default_manager.filter(q))
            history += [(link, ChangeAction.DELETE, serialize(link), None) for link in links]
            through._default_manager.filter(pk__in=[link.pk for link in links]).delete()
        return history


def _validate_check(check: CheckConstraint, model, instance) -> None:
    """A check constraint on one row, in Python where possible (see lib.qeval), else by the database."""
    field = getattr(model, "constraint_fields", {}).get(check.name)
    try:
        ok = evaluate(check.condition, instance)
    except Unsupported:
        try:
            check.validate(model, instance)
        except ValidationError as exc:
            if field:
                raise ValidationError({field: exc.error_list}) from exc
            raise
        return
    if ok is False:  # unknown (NULL) passes, as in the database
        error = ValidationError(check.get_violation_error_message(), code=check.violation_error_code)
        raise ValidationError({field: error}) if field else error


def _chunks(items, size):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def save_workbook(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# Every .xlsx the platform writes goes through xlsx_row / set_cell:
# - text is text: a value beginning with = + - @ (or spelling an error code such as #N/A) would be a
#   live formula or an error in Excel — a name "=HYPERLINK(…)" must stay a name; numbers stay numbers;
# - text stored before control characters were refused is written as Excel's own escape (_x0001_)
#   rather than making the whole file fail (XML cannot carry them); the import reads the escape back
#   as the character and refuses it with the row and column, so nothing is silently altered. A literal
#   "_x0041_" in a text is escaped in turn (_x005F_), as the format requires.
FORMULA_START = ("=", "+", "-", "@")
_XML_ESCAPE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def _escape_char(m) -> str:
    return "_x005F_" if m.group(0) == "_" else f"_x{ord(m.group(0)):04X}_"


def _as_text(value: str) -> tuple[str, bool]:
    """The text to write and whether it must be forced to be text (not a formula or an error)."""
    if _XML_ESCAPE.search(value):
        value = _XML_ESCAPE.sub(_escape_char, value)
    return value, value.startswith(FORMULA_START) or value in ERROR_CODES


def xlsx_row(ws, values) -> list:
    """A row for ``ws.append`` (write-only or not) in which text can never become a formula."""
    out = []
    for value in values:
        if isinstance(value, str):
            value, forced = _as_text(value)
            if forced:
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"
                cell.quotePrefix = True  # and stays text when the user edits it in Excel
                value = cell
        out.append(value)
    return out


def set_cell(cell, value):
    """``cell.value = value`` with the same rule as :func:`xlsx_row`; returns the cell."""
    if isinstance(value, str):
        value, forced = _as_text(value)
        cell.value = value
        if forced:
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_workbook(title: str, headers: list, rows) -> bytes:
    """A one-sheet workbook of a page's table (rates, funnel, dashboard): what the page shows, as numbers."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append(xlsx_row(ws, [str(h) for h in headers]))
    for row in rows:
        ws.append(xlsx_row(ws, row))
    return save_workbook(wb)
