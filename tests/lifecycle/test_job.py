"""The nightly job: idempotent chunks, reproducible days, failures that leave data as it was,
runs recorded; the Celery task, the management command and stage overrides."""
import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from lifecycle.choices import RunMode, RunStatus, Stage, StageChangeSource, StageReason
from lifecycle.engine import measure
from lifecycle.models import LifecycleRun, LifecycleSnapshot, PartnerLifecycle, StageChange
from lifecycle import services, tasks
from partners.choices import PartnerStatus
from partners.models import PartnerChange
from partners.services import partner_update
from tests import factories as f

from .conftest import D, days_before, dump

pytestmark = pytest.mark.django_db

D2 = D + datetime.timedelta(days=1)


@pytest.fixture
def world(sell, channel_manager):
    """Twelve partners in every situation: growing, mature, declining, dormant, exited, new."""
    sa, isv = f.partner_type("SA"), f.partner_type("ISV")
    products = [f.ProductFactory() for _ in range(4)]
    partners = []
    for n in range(12):
        partner = f.PartnerFactory(
            partner_type=isv if n % 4 == 0 else sa,
            joined_on=days_before(200 + 90 * n),
            channel_manager=channel_manager,
            status=PartnerStatus.EXITED if n == 11 else PartnerStatus.ACTIVE,
        )
        partners.append(partner)
        for k in range(n + 1):
            sell(partner, days_before(3 + 37 * k * (n % 3 + 1)), f"{(n + 1) * 7000 + k * 130}.{n:02d}",
                 product_=products[k % 4], customer=f"客户{k % 7}")
    sell(partners[5], days_before(100), "300000.00")  # a big prior quarter: a serious drop
    return partners


def run_ids():
    return sorted(LifecycleRun.objects.values_list("id", flat=True))


def test_running_twice_gives_identical_rows(world, run_job):
    run_job(D)
    first = dump()
    again = run_job(D)
    assert dump() == first
    assert again.status == RunStatus.SUCCEEDED and again.mode == RunMode.FORWARD
    assert again.partners == 12 and again.chunks_total == again.chunks_done == 1
    assert LifecycleSnapshot.objects.count() == 12


def test_chunking_does_not_change_the_result(world, run_job):
    run_job(days_before(1))
    with transaction.atomic():
        run_job(D)
        whole = dump()
        transaction.set_rollback(True)
    run = run_job(D, chunk_size=1)
    assert run.chunks_total == world[-1].pk - world[0].pk + 1
    assert dump() == whole


def test_a_past_day_reproduces_that_days_result(world, run_job, sell):
    run_job(D)
    day_one = [row for row in dump()["snapshots"] if row[0] == D]
    day_one_hits = [row for row in dump()["hits"] if row[0] == D]
    for partner in world[:6]:  # later business: new sales, a status change
        sell(partner, D2, "99999.00")
    partner_update(partner=world[3], by=None, status=PartnerStatus.SUSPENDED, reason="违规")
    PartnerChange.objects.filter(partner=world[3]).update(
        changed_at=datetime.datetime.combine(D2, datetime.time(4), tzinfo=datetime.timezone.utc))
    run_job(D2)
    assert LifecycleSnapshot.objects.get(partner=world[3], as_of=D2).stage == Stage.D
    backfill = run_job(D)
    assert backfill.mode == RunMode.BACKFILL
    assert [row for row in dump()["snapshots"] if row[0] == D] == day_one
    assert [row for row in dump()["hits"] if row[0] == D] == day_one_hits
    # A back-fill leaves the forward state (of D2) alone.
    assert set(PartnerLifecycle.objects.values_list("as_of", flat=True)) == {D2}


def test_a_chunk_failing_halfway_then_rerun_equals_a_clean_run(world, run_job, monkeypatch):
    run_job(days_before(1))
    with transaction.atomic():
        run_job(D, chunk_size=3)
        clean = dump()
        transaction.set_rollback(True)
    before = dump()

    failing_lo = world[3].pk
    real = measure._insert_risk_hits

    def explode(sql, job, base):  # after the chunk's snapshots and stage changes are written
        if job.partner_lo == failing_lo:
            raise RuntimeError("worker killed")
        return real(sql, job, base)

    monkeypatch.setattr(measure, "_insert_risk_hits", explode)
    with pytest.raises(RuntimeError):
        run_job(D, chunk_size=3)
    failed = LifecycleRun.objects.order_by("-id").first()
    assert failed.status == RunStatus.FAILED and "worker killed" in failed.error
    assert list(failed.chunks.values_list("status", flat=True)) == ["succeeded", "failed", "pending", "pending"]
    # The failed chunk left its partners exactly as they were; the chunk before it is done.
    failed_range = range(failing_lo, failing_lo + 3)
    assert not LifecycleSnapshot.objects.filter(as_of=D, partner_id__in=failed_range).exists()
    assert LifecycleSnapshot.objects.filter(as_of=D, partner_id__lt=failing_lo).count() == 3
    assert dump()["state"] == before["state"]

    monkeypatch.setattr(measure, "_insert_risk_hits", real)
    rerun = run_job(D, chunk_size=3)
    assert rerun.status == RunStatus.SUCCEEDED
    assert dump() == clean


def test_run_is_recorded_with_counts(world, run_job):
    run = run_job(D)
    assert run.status == RunStatus.SUCCEEDED
    assert run.stage_changes == 12  # first classification of everybody
    assert run.flags_raised > 0 and run.flags_cleared == 0
    assert run.duration is not None and run.finished_at is not None
    assert run.config["thresholds"]["default"]["decline_inactive_days"] == 120
    assert StageChange.objects.filter(from_stage="", source=StageChangeSource.RULE).count() == 12
    again = run_job(D2)
    assert again.stage_changes == StageChange.objects.filter(as_of=D2).count()


def test_stage_changes_record_from_to_and_why(sell, run_job):
    partner = f.PartnerFactory(joined_on=days_before(800))
    sell(partner, days_before(119))
    run_job(D)
    run_job(D2)
    change = StageChange.objects.get(partner=partner, as_of=D2)
    assert (change.from_stage, change.to_stage, change.reason, change.source) == (
        Stage.B, Stage.D, StageReason.INACTIVE_DECLINE, StageChangeSource.RULE)
    assert change.evidence["days_since_sale"] == 120
    state = PartnerLifecycle.objects.get(partner=partner)
    assert (state.stage, state.stage_since) == (Stage.D, D2)


def test_override_holds_until_its_day(sell, run_job, channel_manager, monkeypatch):
    partner = f.PartnerFactory(joined_on=days_before(800), channel_manager=channel_manager)
    sell(partner, days_before(130))
    run_job(D)
    monkeypatch.setattr(services, "_today", lambda: D2)
    services.stage_override_set(partner=partner, stage=Stage.B, reason="新合同已签", until=D2 + datetime.timedelta(days=1),
                                by=channel_manager)
    state = PartnerLifecycle.objects.get(partner=partner)
    assert (state.stage, state.rule_stage) == (Stage.B, Stage.D)
    manual = StageChange.objects.get(partner=partner, source=StageChangeSource.MANUAL)
    assert (manual.from_stage, manual.to_stage, manual.changed_by, manual.note) == (Stage.D, Stage.B, channel_manager, "新合同已签")
    run_job(D2)
    snap = LifecycleSnapshot.objects.get(partner=partner, as_of=D2)
    assert (snap.stage, snap.rule_stage, snap.override_id) == (Stage.B, Stage.D, manual.override_id)
    assert not StageChange.objects.filter(partner=partner, as_of=D2, source=StageChangeSource.RULE).exists()
    d3 = D2 + datetime.timedelta(days=1)
    run_job(d3)
    assert LifecycleSnapshot.objects.get(partner=partner, as_of=d3).stage == Stage.B
    d4 = d3 + datetime.timedelta(days=1)  # the override has ended: the rules decide again
    run_job(d4)
    change = StageChange.objects.get(partner=partner, as_of=d4)
    assert (change.from_stage, change.to_stage, change.source) == (Stage.B, Stage.D, StageChangeSource.RULE)


def test_ending_an_override_returns_to_the_rules(sell, run_job, channel_manager):
    partner = f.PartnerFactory(joined_on=days_before(800), channel_manager=channel_manager)
    sell(partner, days_before(130))
    run_job(D)
    services.stage_override_set(partner=partner, stage=Stage.C, reason="战略伙伴",
                                until=datetime.date.today() + datetime.timedelta(days=30), by=channel_manager)
    services.stage_override_end(partner=partner, by=channel_manager, reason="评估结束")
    state = PartnerLifecycle.objects.get(partner=partner)
    assert (state.stage, state.override) == (Stage.D, None)
    assert list(StageChange.objects.filter(partner=partner, source=StageChangeSource.MANUAL)
                .order_by("id").values_list("from_stage", "to_stage")) == [(Stage.D, Stage.C), (Stage.C, Stage.D)]


def test_celery_task_runs_the_chunks_and_the_finish(world):
    result = tasks.lifecycle_nightly.apply(kwargs={"as_of": D.isoformat()})
    run = LifecycleRun.objects.get(pk=result.get())
    assert run.status == RunStatus.SUCCEEDED and run.trigger == "schedule"
    assert run.partners == 12
    assert set(run.chunks.values_list("status", flat=True)) == {"succeeded"}


def test_celery_chunk_failure_marks_the_run_failed(world, monkeypatch):
    monkeypatch.setattr(measure, "_insert_snapshots", lambda *args: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        tasks.lifecycle_nightly.apply(kwargs={"as_of": D.isoformat()}, throw=True)
    run = LifecycleRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert not LifecycleSnapshot.objects.exists()


def test_management_command(world):
    out = StringIO()
    call_command("lifecycle_recompute", "--as-of", D.isoformat(), "--no-progress", "--chunk-size", "5", stdout=out)
    run = LifecycleRun.objects.get()
    assert run.chunk_size == 5 and run.trigger == "command"
    assert f"for {D.isoformat()}" in out.getvalue() and "12 partners" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("lifecycle_recompute", "--as-of", "2025-13-01")
    with pytest.raises(CommandError):
        call_command("lifecycle_recompute", "--as-of", (datetime.date.today() + datetime.timedelta(days=2)).isoformat())


def test_history_months_builds_history_and_keeps_value_before_exit(sell, channel_manager):
    from lifecycle.management.commands.lifecycle_recompute import _months_before

    assert _months_before(datetime.date(2025, 3, 31), 1) == datetime.date(2025, 2, 28)
    assert _months_before(datetime.date(2025, 1, 15), 2) == datetime.date(2024, 11, 15)
    star = f.PartnerFactory(joined_on=days_before(1200), channel_manager=channel_manager)
    products = [f.ProductFactory() for _ in range(5)]
    for n in range(40):
        sell(star, days_before(100 + 3 * n), "9000.00", product_=products[n % 5], customer=f"客户{n}")
    exit_day = days_before(60)
    partner_update(partner=star, by=channel_manager, status=PartnerStatus.EXITED, reason="合作协议到期未续签")
    PartnerChange.objects.filter(partner=star, field="status").update(
        changed_at=datetime.datetime.combine(exit_day, datetime.time(4), tzinfo=datetime.timezone.utc))
    call_command("lifecycle_recompute", "--as-of", D.isoformat(), "--no-progress", "--history-months", "4",
                 stdout=StringIO())
    assert LifecycleRun.objects.filter(status=RunStatus.SUCCEEDED, mode=RunMode.FORWARD).count() == 5
    state = PartnerLifecycle.objects.get(partner=star)
    assert state.stage == Stage.E and state.last_active_value_score >= 60
    moves = list(StageChange.objects.filter(partner=star).order_by("as_of").values_list("to_stage", flat=True))
    assert moves[-1] == Stage.E and len(moves) >= 2
    with pytest.raises(CommandError):
        call_command("lifecycle_recompute", "--history-months", "-1")


def test_beat_schedule_has_the_nightly_job(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["lifecycle-nightly"]
    assert entry["task"] == "lifecycle.nightly"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({1}, {30})
    assert "lifecycle.nightly" in settings.PRM_NIGHTLY_JOBS


def test_old_snapshots_are_purged(world, run_job):
    run_job(days_before(200))
    run_job(D)
    assert set(LifecycleSnapshot.objects.values_list("as_of", flat=True)) == {D}
