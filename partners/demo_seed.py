"""Generate the demo (and benchmark) data set and load it in bulk.

Used by `manage.py seed_demo`. Everything comes from one `random.Random(seed)` drawn in a fixed
order, so the same seed, sizes and business date give the same rows. Rows are generated in
chunks and loaded with COPY on PostgreSQL (executemany in one transaction per chunk
elsewhere): never one INSERT statement per row, and memory stays bounded however many sales
are asked for. Only a compact summary per partner is kept between the partner and the sales
phases (a few hundred bytes each, ~30 MB for 100,000 partners).

The partner registry's own invariants are kept: codes follow `partner_code_next`'s scheme
(TYPE-CITY-NNNN) and `PartnerCodeSequence` is moved past them, the initial tier/status/owner
and later tier and status changes are in `PartnerChange`, external ids are unique per source
system.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import queue
import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.management.color import no_style
from django.db import connection, transaction

from . import demo_data as d
from .choices import CooperationModel, PartnerStatus, Role, SaleStatus, Tier, TrackedField
from .models import CityBranch, Contact, Partner, PartnerChange, PartnerCodeSequence, PartnerType, Product, SaleRecord

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc
JOIN_SPAN_DAYS = 8 * 365  # partners joined over the past eight years
SALES_WINDOW_DAYS = 730  # sales over the past two years
SOURCE_SYSTEM = "crm"
PARTNER_CHUNK = 5_000
SALES_CHUNK = 100_000
SQLITE_BATCH = 5_000
# From this many rows on, a PostgreSQL load drops the tables' foreign keys and secondary indexes
# and rebuilds them afterwards (one pass each) instead of checking and updating them per row.
BULK_MODE_MIN_ROWS = 50_000

TYPE_WEIGHTS = [("SA", 65), ("ISV", 18), ("SI", 17)]
COOPERATION_BY_TYPE = {
    "SA": [(CooperationModel.CHANNEL_SHARING, 45), (CooperationModel.CUSTOMER_SHARING, 30),
           (CooperationModel.RELATIONSHIP_EXPANSION, 15), (CooperationModel.CO_EXPANSION, 10)],
    "ISV": [(CooperationModel.CAPABILITY_PROVISION, 50), (CooperationModel.CO_OPERATION, 25),
            (CooperationModel.CO_EXPANSION, 25)],
    "SI": [(CooperationModel.CO_OPERATION, 35), (CooperationModel.CAPABILITY_PROVISION, 25),
           (CooperationModel.CO_EXPANSION, 25), (CooperationModel.CUSTOMER_SHARING, 15)],
}
# SAs serve C-class SMEs; capable ones also part of the B (and rarely A) class work.
CLASSES_BY_TYPE = {
    "SA": [("C", 70), ("BC", 25), ("ABC", 5)],
    "ISV": [("BC", 40), ("C", 30), ("ABC", 20), ("AB", 10)],
    "SI": [("ABC", 40), ("AB", 30), ("BC", 30)],
}
CLASS_SHARE = {"A": 1, "B": 3, "C": 8}  # how often a served class appears among a partner's customers
CLASS_AMOUNT = {"A": 4.0, "B": 2.0, "C": 1.0}
REVENUE_SHARE_BP = {"SA": (800, 2000), "ISV": (2000, 4000), "SI": (1500, 3000)}  # basis points
TIER_SALES = {Tier.REGISTERED: 1.0, Tier.CERTIFIED: 2.5, Tier.GOLD: 6.0}
TYPE_SALES = {"SA": 1.2, "ISV": 0.6, "SI": 0.5}
SALE_PROFILES = [("growing", 25), ("stable", 40), ("declining", 20), ("dormant", 15)]

REASON_JOIN = "新合作伙伴注册"
REASON_TIER = "年度认证评审晋级"
REASON_SUSPEND = "违规经营，暂停合作待整改"
REASON_EXIT = "合作协议到期未续签"


def _escape(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


class _CopyWorker(threading.Thread):
    """Runs the COPY statements of one transaction in the background, one at a time.

    The generator fills the next chunk on one core while PostgreSQL ingests the previous one on
    the other. It shares the transaction's connection; the main thread does not touch the
    database until `close()` has waited for the last COPY.
    """

    def __init__(self, raw_connection):
        super().__init__(name="seed-copy", daemon=True)
        self.raw_connection = raw_connection
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.seconds = 0.0

    def run(self):
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is None:
                started = time.perf_counter()
                try:
                    _copy(self.raw_connection, *item)
                except BaseException as exc:  # handed to the main thread by submit()/close()
                    self.error = exc
                self.seconds += time.perf_counter() - started

    def submit(self, sql, text):
        if self.error is not None:
            raise self.error
        self.queue.put((sql, text))

    def close(self):
        self.queue.put(None)
        self.join()
        if self.error is not None:
            raise self.error


def _copy(raw_connection, sql: str, text: str) -> None:
    with raw_connection.cursor() as cursor:
        if hasattr(cursor, "copy_expert"):  # psycopg2
            cursor.copy_expert(sql, io.StringIO(text), size=1 << 20)
        else:  # psycopg 3
            with cursor.copy(sql) as copy:
                copy.write(text)


class BulkLoader:
    """Appends rows to a table: COPY on PostgreSQL, executemany elsewhere.

    `load` takes tuples in column order whose values are database-ready (str, int, bool, None,
    dates and times as text from `timestamp`); `load_lines` takes tab-separated lines ending in
    a newline that hold no NULL, tab, newline or backslash in a value (the sales hot path).
    Inside `pipeline()` PostgreSQL COPYs run in a background thread.
    """

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self._stamps: dict = {}
        self._worker: _CopyWorker | None = None
        self.seconds = 0.0  # time the database spent ingesting rows
        self.rebuild_seconds = 0.0  # … and rebuilding indexes and constraints after a large load

    def timestamp(self, day: dt.date, hour: int, minute: int = 0) -> str:
        """A local business time as the text the backend's timestamp column takes."""
        key = (day, hour, minute)
        text = self._stamps.get(key)
        if text is None:
            local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BUSINESS_TZ)
            if self.postgres:
                text = local.isoformat(sep=" ")
            else:  # Django keeps naive UTC in SQLite (and MySQL) when USE_TZ is on.
                text = local.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
            self._stamps[key] = text
        return text

    @contextmanager
    def pipeline(self):
        if not self.postgres:
            yield
            return
        connection.ensure_connection()
        self._worker = _CopyWorker(connection.connection)
        self._worker.start()
        try:
            yield
        finally:
            worker, self._worker = self._worker, None
            worker.close()  # waits for the last COPY; raises its error, if any
            self.seconds += worker.seconds

    def _sql(self, table, columns):
        qn = connection.ops.quote_name
        return qn(table), ", ".join(qn(c) for c in columns)

    def load(self, table: str, columns: list[str], rows: list[tuple]) -> int:
        if not rows:
            return 0
        if self.postgres:
            text = "".join(
                "\t".join("\\N" if v is None else _escape(str(v)) for v in row) + "\n" for row in rows
            )
            self._copy(table, columns, text)
        else:
            self._insert(table, columns, rows)
        return len(rows)

    def load_lines(self, table: str, columns: list[str], lines: list[str]) -> int:
        if not lines:
            return 0
        if self.postgres:
            self._copy(table, columns, "".join(lines))
        else:
            self._insert(table, columns, [line[:-1].split("\t") for line in lines])
        return len(lines)

    def _copy(self, table, columns, text):
        table_sql, column_sql = self._sql(table, columns)
        sql = f"COPY {table_sql} ({column_sql}) FROM STDIN"
        if self._worker is not None:
            self._worker.submit(sql, text)
            return
        started = time.perf_counter()
        connection.ensure_connection()
        _copy(connection.connection, sql, text)
        self.seconds += time.perf_counter() - started

    def _insert(self, table, columns, rows):
        started = time.perf_counter()
        table_sql, column_sql = self._sql(table, columns)
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table_sql} ({column_sql}) VALUES ({placeholders})"
        with connection.cursor() as cursor:
            for start in range(0, len(rows), SQLITE_BATCH):
                cursor.executemany(sql, rows[start : start + SQLITE_BATCH])
        self.seconds += time.perf_counter() - started

    @contextmanager
    def bulk_mode(self, models, rows: int, log=None):
        """Inside a transaction: drop foreign keys, unique constraints and secondary indexes of
        `models`' tables for a large load, and put every one back (validated) at the end.

        DDL is transactional on PostgreSQL: if the load fails, the rollback restores them.
        Elsewhere, or for small loads, nothing changes.
        """
        if not self.postgres or rows < BULK_MODE_MIN_ROWS:
            yield
            return
        assert connection.in_atomic_block, "bulk_mode needs a transaction"
        qn = connection.ops.quote_name
        constraints, indexes = [], []
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no ALTER TABLE while checks are pending
            for model in models:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC, conname",
                    [qn(table)],
                )
                for name, definition in cursor.fetchall():
                    constraints.append((table, name, definition))
                    cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
                cursor.execute(
                    "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                    "WHERE indrelid = %s::regclass AND NOT indisprimary ORDER BY 1",
                    [qn(table)],
                )
                for name, definition in cursor.fetchall():
                    indexes.append(definition)
                    cursor.execute(f"DROP INDEX {name}")
        yield
        if log:
            log(f"Rebuilding {len(indexes)} indexes and {len(constraints)} constraints on "
                f"{', '.join(m._meta.db_table for m in models)} …")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for definition in indexes:
                cursor.execute(definition)
            for table, name, definition in constraints:  # unique constraints, then foreign keys
                cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self.rebuild_seconds += time.perf_counter() - started

    @contextmanager
    def without_references(self, model):
        """Inside a transaction on PostgreSQL: drop the foreign keys of other tables that point at
        `model`'s table, and add them back (validated) at the end. For deleting many rows whose
        referencing tables were already emptied, without a trigger check per row and table.
        """
        if not self.postgres:
            yield
            return
        assert connection.in_atomic_block, "without_references needs a transaction"
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no ALTER TABLE while checks are pending
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE confrelid = %s::regclass AND contype = 'f' ORDER BY 1, 2",
                [qn(model._meta.db_table)],
            )
            references = cursor.fetchall()
            for table, name, _definition in references:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {qn(name)}")
        yield
        with connection.cursor() as cursor:
            for table, name, definition in references:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {qn(name)} {definition}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def reset_sequences(self, models) -> None:
        sql_list = connection.ops.sequence_reset_sql(no_style(), models)
        if sql_list:
            with connection.cursor() as cursor:
                for sql in sql_list:
                    cursor.execute(sql)

    def analyze(self) -> None:
        if not self.postgres:
            return
        tables = [m._meta.db_table for m in (Partner, Contact, PartnerChange, SaleRecord)]
        tables.append(Partner.authorised_products.through._meta.db_table)
        # VACUUM too when we may (not inside a transaction): it sets the visibility map, so counts
        # over an index are index-only scans from the first request on.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"{command} {connection.ops.quote_name(table)}")


@dataclass
class SalesPlan:
    """What the sales phase needs to know about one partner (kept for every partner)."""

    partner_id: int
    city_zh: str
    type_code: str
    classes: str
    products: tuple  # ((product_id, code, base amount in fen), ...)
    first_day: int  # ordinal of the first and last day the partner may sell
    last_day: int
    profile: str
    weight: float
    count: int = 0


@dataclass
class SeedStats:
    partners: int = 0
    contacts: int = 0
    changes: int = 0
    sales: int = 0
    refunded: int = 0
    by_profile: dict = field(default_factory=dict)


class DemoDataGenerator:
    """Builds `partners` partners and exactly `sales` sales records (fewer only if no partner sells)."""

    def __init__(self, *, seed: int, today: dt.date, partners: int, sales: int, users: dict, progress=None, log=None):
        self.rng = random.Random(seed)
        self.sales_rng = random.Random(seed * 7919 + 1)
        self.today = today
        self.n_partners = partners
        self.n_sales = sales
        self.users = users  # {"admin": User, "pm": User, "cms": [User], "cm_cities": {username: [codes]}}
        self.progress = progress or (lambda total, desc: _NoProgress())
        self.log = log
        self.loader = BulkLoader()
        self.stats = SeedStats()
        self.plans: list[SalesPlan] = []
        self._days: dict[int, tuple[str, str]] = {}

        self.cities = list(CityBranch.objects.order_by("sort_order", "code"))
        self.types = {t.code: t for t in PartnerType.objects.filter(code__in=[c for c, _w in TYPE_WEIGHTS])}
        self.products = {p.code: p for p in Product.objects.filter(code__in=[row[0] for row in d.PRODUCTS])}
        profiles = d.CITY_PROFILE
        self.city_items, self.city_cum = d.weighted(
            (city, profiles.get(city.code, (1.0,))[0]) for city in self.cities
        )
        self.type_items, self.type_cum = d.weighted(TYPE_WEIGHTS)
        self.surnames, self.surname_cum = d.weighted(((s, p), w) for s, p, w in d.SURNAMES)
        self.suffix_items, self.suffix_cum = d.weighted(((zh, en), w) for zh, en, w in d.SUFFIXES)
        cms = users["cms"]
        self.cms_by_city: dict[str, list] = {}
        for cm in cms:
            for code in users["cm_cities"].get(cm.username, []):
                self.cms_by_city.setdefault(code, []).append(cm)
        self.all_cms = cms

    # --- helpers ---------------------------------------------------------------------------------
    def _person(self, rng):
        surname, surname_py = rng.choices(self.surnames, cum_weights=self.surname_cum)[0]
        chars = [rng.choice(d.GIVEN) for _ in range(1 if rng.random() < 0.45 else 2)]
        given = "".join(c for c, _p in chars)
        given_py = "".join(p for _c, p in chars)
        return surname, given, surname_py, given_py

    def _mobile(self, rng):
        return f"{rng.choice(d.MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"

    def _landline(self, rng, code):
        _w, area, digits, _districts = d.CITY_PROFILE.get(code, (1.0, "028", 8, ["市中区"]))
        first = rng.choice("68")
        return f"{area}-{first}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"

    def _place_zh(self, city):
        return city.name_zh + ("州" if city.code in d.PREFECTURES else "")

    # --- partners --------------------------------------------------------------------------------
    def generate_partners(self) -> None:
        table_cols = {
            "partner": ["id", "code", "name", "name_en", "partner_type_id", "cooperation_model", "tier", "city_id",
                        "status", "joined_on", "channel_manager_id", "customer_classes", "revenue_share", "address",
                        "phone", "website", "description", "created_at", "updated_at"],
            "m2m": ["partner_id", "product_id"],
            "contact": ["partner_id", "name", "title", "email", "phone", "is_primary", "notes", "created_at",
                        "updated_at"],
            "change": ["partner_id", "field", "old_value", "new_value", "changed_by_id", "changed_at", "reason"],
        }
        through = Partner.authorised_products.through
        tables = {
            "partner": Partner._meta.db_table,
            "m2m": through._meta.db_table,
            "contact": Contact._meta.db_table,
            "change": PartnerChange._meta.db_table,
        }
        next_id = (Partner.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        sequences = dict(PartnerCodeSequence.objects.values_list("prefix", "last_value"))
        bar = self.progress(self.n_partners, "partners")
        with transaction.atomic(), self.loader.bulk_mode(
            [Partner, through, Contact, PartnerChange], self.n_partners * 7, self.log
        ):
            with self.loader.pipeline():
                for start in range(0, self.n_partners, PARTNER_CHUNK):
                    rows = {key: [] for key in tables}
                    for index in range(start, min(start + PARTNER_CHUNK, self.n_partners)):
                        self._partner(index, next_id + index, sequences, rows)
                    for key, table in tables.items():
                        self.loader.load(table, table_cols[key], rows[key])
                    self.stats.partners += len(rows["partner"])
                    self.stats.contacts += len(rows["contact"])
                    self.stats.changes += len(rows["change"])
                    bar.update(len(rows["partner"]))
            bar.close()
            for prefix, last_value in sorted(sequences.items()):
                PartnerCodeSequence.objects.update_or_create(prefix=prefix, defaults={"last_value": last_value})
            self.loader.reset_sequences([Partner])

    def _partner(self, index, partner_id, sequences, rows) -> None:
        r = self.rng
        today = self.today
        ts = self.loader.timestamp
        admin_id = self.users["admin"].pk
        pm_id = self.users["pm"].pk

        if index < len(self.cities) and self.n_partners >= len(self.cities):
            city = self.cities[index]  # every branch has partners, however small the data set
        else:
            city = r.choices(self.city_items, cum_weights=self.city_cum)[0]
        type_code = r.choices(self.type_items, cum_weights=self.type_cum)[0]
        prefix = f"{type_code}-{city.code}"
        sequences[prefix] = sequences.get(prefix, 0) + 1
        code = f"{prefix}-{sequences[prefix]:04d}"

        # Codes are handed out in joining order: join dates grow with the index, denser lately.
        position = (index + r.random()) / max(self.n_partners, 1)
        joined = today - dt.timedelta(days=JOIN_SPAN_DAYS - int(position**0.8 * (JOIN_SPAN_DAYS - 3)))
        age = (today - joined).days
        years = age / 365

        if age < 180:
            status = PartnerStatus.PROSPECT if r.random() < 0.6 else PartnerStatus.ACTIVE
        else:
            roll = r.random()
            p_exit = 0.04 + 0.12 * years / 8
            status = (PartnerStatus.EXITED if roll < p_exit
                      else PartnerStatus.SUSPENDED if roll < p_exit + 0.05 else PartnerStatus.ACTIVE)
        end_active = today
        status_day = None
        if status == PartnerStatus.EXITED:
            status_day = joined + dt.timedelta(days=int(age * r.uniform(0.3, 0.98)))
            end_active = status_day
        elif status == PartnerStatus.SUSPENDED:
            status_day = max(joined + dt.timedelta(days=30), today - dt.timedelta(days=r.randint(20, 365)))
            end_active = status_day

        tier = Tier.REGISTERED
        if status != PartnerStatus.PROSPECT:
            roll = r.random()
            if roll < min(0.15, 0.02 * years):
                tier = Tier.GOLD
            elif roll < min(0.15, 0.02 * years) + min(0.45, 0.05 + 0.06 * years):
                tier = Tier.CERTIFIED

        if status == PartnerStatus.PROSPECT and r.random() < 0.4:
            owner = None
        elif city.code in self.cms_by_city and r.random() < 0.92:
            owner = r.choice(self.cms_by_city[city.code])
        else:
            owner = r.choice(self.all_cms) if self.all_cms else None

        cooperation = r.choices(*zip(*COOPERATION_BY_TYPE[type_code]))[0]
        classes = r.choices(*zip(*CLASSES_BY_TYPE[type_code]))[0]
        simple = [c for c, _en, _zh, kind, _b, _d in d.PRODUCTS if kind == "simple_standard"]
        configured = [c for c, _en, _zh, kind, _b, _d in d.PRODUCTS if kind == "configuration"]
        if type_code == "SA":
            product_codes = r.sample(simple, r.randint(2, 4))
        elif type_code == "ISV":
            product_codes = r.sample(configured, r.randint(1, 3)) + r.sample(simple, r.randint(0, 2))
        else:
            product_codes = r.sample(configured, r.randint(1, 4)) + r.sample(simple, r.randint(1, 2))
        product_codes = [c for c in product_codes if c in self.products]
        low, high = REVENUE_SHARE_BP[type_code]
        share_bp = r.randrange(low, high + 1, 25) + (300 if tier == Tier.GOLD else 0)

        # Name: 城市 + 字号 + 行业 + 组织形式, e.g. 成都天府通信技术有限公司.
        brand_zh, brand_py = r.choice(d.BRANDS)
        if r.random() < 0.15:
            extra_zh, extra_py = r.choice(d.BRANDS)
            if extra_zh != brand_zh:
                brand_zh, brand_py = brand_zh + extra_zh, f"{brand_py} {extra_py}"
        trade_zh, trade_en, trade_abbr = r.choice(d.TRADES[type_code])
        suffix_zh, suffix_en = r.choices(self.suffix_items, cum_weights=self.suffix_cum)[0]
        provincial = type_code != "SA" and r.random() < 0.1
        place_zh = "四川" if provincial else self._place_zh(city)
        name = f"{place_zh}{brand_zh}{trade_zh}{suffix_zh}"
        name_en = ""
        if r.random() < (0.3 if type_code == "SA" else 0.7):
            name_en = f"{'Sichuan' if provincial else city.name} {brand_py} {trade_en} {suffix_en}"
        domain = f"{brand_py.replace(' ', '').lower()}{trade_abbr}.example.com"
        _w, _area, _digits, districts = d.CITY_PROFILE.get(city.code, (1.0, "028", 8, ["市中区"]))
        city_word = "州" if city.code in d.PREFECTURES else "市"
        address = f"四川省{city.name_zh}{city_word}{r.choice(districts)}{r.choice(d.ROADS)}{r.randint(1, 999)}号"
        website = f"https://www.{domain}" if type_code != "SA" and r.random() < 0.5 else ""
        description = ""
        if r.random() < 0.4:
            names = "、".join(self.products[c].name_zh for c in product_codes[:3])
            description = f"主营{names}等业务，服务{city.name_zh}地区客户。"

        # History: registration, tier reviews, suspension or exit (the service's shape).
        changes = rows["change"]
        join_stamp = ts(joined, 9, 30)
        changes.append((partner_id, TrackedField.TIER.value, "", Tier.REGISTERED.value, admin_id, join_stamp, REASON_JOIN))
        first_status = PartnerStatus.PROSPECT if status == PartnerStatus.PROSPECT else PartnerStatus.ACTIVE
        changes.append((partner_id, TrackedField.STATUS.value, "", first_status.value, admin_id, join_stamp, REASON_JOIN))
        if owner is not None:
            changes.append((partner_id, TrackedField.CHANNEL_MANAGER.value, "", owner.username, admin_id, join_stamp,
                            REASON_JOIN))
        last_change = joined
        active_days = max((end_active - joined).days, 1)
        if tier != Tier.REGISTERED:
            certified_on = joined + dt.timedelta(days=int(active_days * r.uniform(0.1, 0.6)))
            changes.append((partner_id, TrackedField.TIER.value, Tier.REGISTERED.value, Tier.CERTIFIED.value, pm_id,
                            ts(certified_on, 15), REASON_TIER))
            last_change = certified_on
            if tier == Tier.GOLD:
                gold_on = certified_on + dt.timedelta(days=int((end_active - certified_on).days * r.uniform(0.2, 0.9)))
                changes.append((partner_id, TrackedField.TIER.value, Tier.CERTIFIED.value, Tier.GOLD.value, pm_id,
                                ts(gold_on, 15), REASON_TIER))
                last_change = gold_on
        if status_day is not None:
            reason = REASON_EXIT if status == PartnerStatus.EXITED else REASON_SUSPEND
            by = owner.pk if owner is not None else admin_id
            changes.append((partner_id, TrackedField.STATUS.value, PartnerStatus.ACTIVE.value, status.value, by,
                            ts(status_day, 16), reason))
            last_change = max(last_change, status_day)

        rows["partner"].append((
            partner_id, code, name, name_en, self.types[type_code].pk, cooperation.value, tier.value, city.pk,
            status.value, joined.isoformat(), owner.pk if owner else None, classes, f"{share_bp // 10000}.{share_bp % 10000:04d}",
            address, self._landline(r, city.code), website, description, join_stamp, ts(last_change, 17),
        ))
        rows["m2m"].extend((partner_id, self.products[c].pk) for c in product_codes)
        for n in range(1 + (r.random() < 0.5) + (r.random() < 0.2)):
            surname, given, surname_py, given_py = self._person(r)
            title = d.TITLES[0] if n == 0 and r.random() < 0.6 else r.choice(d.TITLES)
            rows["contact"].append((
                partner_id, surname + given, title, f"{surname_py}{given_py}@{domain}", self._mobile(r),
                n == 0, "", join_stamp, join_stamp,
            ))

        # What the sales phase needs: who may sell what, when, and how much.
        window_start = today - dt.timedelta(days=SALES_WINDOW_DAYS)
        first_day = max(joined, window_start)
        if status == PartnerStatus.PROSPECT:
            profile, last_day = "none", first_day
        elif status == PartnerStatus.EXITED:
            profile, last_day = ("declining" if r.random() < 0.7 else "stable"), status_day
        elif status == PartnerStatus.SUSPENDED:
            profile, last_day = ("declining" if r.random() < 0.6 else "dormant"), status_day
        else:
            profile = r.choices(*zip(*SALE_PROFILES))[0]
            last_day = today - dt.timedelta(days=r.randint(120, 400)) if profile == "dormant" else today
        if profile == "growing" and age < 365:
            profile = "new"
        span = (last_day - first_day).days
        weight = 0.0
        if profile != "none" and span > 0:
            size = min(r.paretovariate(1.6), 50.0)
            weight = size * TIER_SALES[tier] * TYPE_SALES[type_code] * span / SALES_WINDOW_DAYS
        products = tuple(
            (self.products[c].pk, c, int(d.PRODUCT_BASE_AMOUNT[c] * 100)) for c in product_codes
        ) or tuple((self.products[c].pk, c, int(d.PRODUCT_BASE_AMOUNT[c] * 100)) for c in simple[:1])
        self.plans.append(SalesPlan(
            partner_id=partner_id, city_zh=self._place_zh(city), type_code=type_code, classes=classes,
            products=products, first_day=first_day.toordinal(), last_day=last_day.toordinal(), profile=profile,
            weight=weight,
        ))

    # --- sales -----------------------------------------------------------------------------------
    def allocate_sales(self) -> None:
        """Share exactly n_sales among the partners in proportion to their weights."""
        total = sum(plan.weight for plan in self.plans)
        if total <= 0 or self.n_sales <= 0:
            return
        remainders = []
        assigned = 0
        for index, plan in enumerate(self.plans):
            exact = self.n_sales * plan.weight / total
            plan.count = int(exact)
            assigned += plan.count
            remainders.append((exact - plan.count, -index))
        remainders.sort(reverse=True)
        for _frac, neg_index in remainders[: self.n_sales - assigned]:
            self.plans[-neg_index].count += 1

    def generate_sales(self) -> None:
        self.allocate_sales()
        columns = ["partner_id", "product_id", "customer_name", "customer_class", "amount", "sold_on", "status",
                   "source_system", "external_id", "created_at", "updated_at"]
        table = SaleRecord._meta.db_table
        total = sum(plan.count for plan in self.plans)
        bar = self.progress(total, "sales")
        seq = SaleRecord.objects.filter(source_system=SOURCE_SYSTEM).count()
        # Deal sizes: a log-normal spread (sigma 0.75) around each product's typical amount.
        spread = [math.exp(self.sales_rng.gauss(0.0, 0.75)) for _ in range(4096)]
        lines: list[str] = []
        with transaction.atomic(), self.loader.bulk_mode([SaleRecord], total, self.log):
            with self.loader.pipeline():
                for plan in self.plans:
                    if plan.count:
                        seq = self._partner_sales(plan, seq, lines, spread)
                        self.stats.by_profile[plan.profile] = self.stats.by_profile.get(plan.profile, 0) + 1
                    if len(lines) >= SALES_CHUNK:
                        self._flush_sales(table, columns, lines, bar)
                        lines = []
                self._flush_sales(table, columns, lines, bar)
            bar.close()

    def _flush_sales(self, table, columns, lines, bar) -> None:
        if lines:
            self.loader.load_lines(table, columns, lines)
            self.stats.sales += len(lines)
            bar.update(len(lines))

    def _customers(self, plan: SalesPlan, size: int) -> list[tuple[str, str]]:
        r = self.sales_rng
        served = [(c, CLASS_SHARE[c]) for c in plan.classes] or [("C", 1)]
        classes, cum = d.weighted(served)
        sells_xxt = any(code == "XXT" for _pk, code, _base in plan.products)
        customers = []
        for _ in range(size):
            brand = r.choice(d.BRANDS)[0]
            klass = r.choices(classes, cum_weights=cum)[0]
            if sells_xxt and r.random() < 0.3:
                name = f"{plan.city_zh}{brand}{r.choice(d.SCHOOL_KINDS)}"
                klass = "B" if "B" in plan.classes else klass
            elif klass == "A":
                name = f"四川{brand}{r.choice(d.KEY_ACCOUNT_TRADES)}集团有限公司"
            elif klass == "B":
                name = f"{plan.city_zh}{brand}{r.choice(d.KEY_ACCOUNT_TRADES)}股份有限公司"
            else:
                name = f"{plan.city_zh}{brand}{r.choice(d.SME_TRADES)}有限公司"
            customers.append((name, klass))
        return customers

    def _partner_sales(self, plan: SalesPlan, seq: int, lines: list, spread: list) -> int:
        """Append the partner's sales as COPY text lines (values from pools: nothing to escape)."""
        rand = self.sales_rng.random
        # Pre-formatted leading columns: partner and product, customer name and class.
        customers = [(f"{name}\t{klass}\t", CLASS_AMOUNT[klass])
                     for name, klass in self._customers(plan, min(60, 2 + plan.count // 6))]
        n_customers = len(customers)
        products = [(f"{plan.partner_id}\t{product_id}\t", base) for product_id, _code, base in plan.products]
        n_products = len(products)
        n_spread = len(spread)
        first, span = plan.first_day, plan.last_day - plan.first_day
        shape = {"growing": 1, "new": 1, "declining": 2}.get(plan.profile, 0)
        stamp = self.loader.timestamp
        fromordinal = dt.date.fromordinal
        sqrt = math.sqrt
        days = self._days  # ordinal -> (date, "\tcreated_at\tupdated_at\n"), shared by all partners
        booked = f"\t{SaleStatus.BOOKED.value}\t{SOURCE_SYSTEM}\tCRM-"
        refunded = f"\t{SaleStatus.REFUNDED.value}\t{SOURCE_SYSTEM}\tCRM-"
        cancelled = f"\t{SaleStatus.CANCELLED.value}\t{SOURCE_SYSTEM}\tCRM-"
        n_refunded = 0
        append = lines.append
        for _ in range(plan.count):
            u = rand()
            t = sqrt(u) if shape == 1 else (1.0 - sqrt(u)) if shape == 2 else u
            offset = int(t * (span + 1))
            ordinal = first + (offset if offset < span else span)
            day = days.get(ordinal)
            if day is None:
                date = fromordinal(ordinal)
                created = stamp(date, 18)
                day = days[ordinal] = (date.isoformat(), f"\t{created}\t{created}\n")
            customer, factor = customers[int(n_customers * rand() * rand())]  # repeat customers buy most
            partner_product, base = products[int(n_products * rand())]
            fen = int(base * factor * spread[int(n_spread * rand())])
            fen = 100 if fen < 100 else 500_000_000 if fen > 500_000_000 else fen
            if rand() < 0.6:
                fen -= fen % 100  # most deals are in whole yuan
            roll = rand()
            status = refunded if roll < 0.02 else cancelled if roll < 0.025 else booked
            n_refunded += status is refunded
            seq += 1
            append(f"{partner_product}{customer}{fen // 100}.{fen % 100:02d}\t{day[0]}{status}{seq:09d}{day[1]}")
        self.stats.refunded += n_refunded
        return seq


class _NoProgress:
    def update(self, n):
        pass

    def close(self):
        pass


def ensure_products() -> dict:
    """The operator's catalogue (DOMAIN.md), created or brought up to date by code."""
    products = {}
    for code, name, name_zh, kind, _base, description in d.PRODUCTS:
        products[code], _created = Product.objects.update_or_create(
            code=code, defaults={"name": name, "name_zh": name_zh, "product_type": kind, "description": description}
        )
    return products


def demo_partner_for(type_code: str):
    """The partner a demo partner login belongs to: the first active one of that type."""
    partners = Partner.objects.filter(partner_type__code=type_code, status=PartnerStatus.ACTIVE).order_by("id")
    if type_code == "SA":
        return partners.filter(city__code="CD").first() or partners.first()
    return partners.first()


ROLE_LABELS = {
    Role.ADMIN: "admin",
    Role.CHANNEL_MANAGER: "channel manager",
    Role.PRODUCT_MANAGER: "product manager",
    Role.INTEGRATION: "integration",
    Role.PARTNER: "partner",
}
