"""AWS EventBridge Scheduler expressions against Kubernetes' CronJob schedule syntax."""

from datetime import UTC, datetime

import pytest

from ecs_operator.core.run_task.schedule_expression import ScheduleExpressionError, translate

ANCHOR = datetime(2026, 3, 4, 10, 17, 30, tzinfo=UTC)  # a Wednesday
NOW = datetime(2026, 3, 4, 10, 20, tzinfo=UTC)


def cron(expression: str, timezone: str | None = None) -> str:
    result = translate(expression, timezone, anchor=ANCHOR, refuse_before=NOW)
    return result.schedule


def refused(expression: str, timezone: str | None = None) -> str:
    with pytest.raises(ScheduleExpressionError) as caught:
        translate(expression, timezone, anchor=ANCHOR, refuse_before=NOW)
    assert repr(expression) in str(caught.value)  # the expression is quoted
    return caught.value.detail


# --- cron: field by field ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("aws", "kubernetes"),
    [
        ("cron(0 12 * * ? *)", "0 12 * * *"),
        ("cron(15 10 ? * 6L 2026)", None),  # refused below; listed to keep the table honest
        ("cron(0 18 ? * MON-FRI *)", "0 18 * * 1-5"),
        ("cron(0 18 ? * 2-6 *)", "0 18 * * 1-5"),  # AWS 2-6 is Kubernetes 1-5
        ("cron(0 8 1 * ? *)", "0 8 1 * *"),
        ("cron(0/15 * * * ? *)", "0-59/15 * * * *"),  # a/n runs to the end of the field
        ("cron(5/10 * ? * * *)", "5-59/10 * * * *"),
        ("cron(*/5 8-17 ? * MON,WED,FRI *)", "*/5 8-17 * * 1,3,5"),
        ("cron(0 9 ? JAN,JUL SUN *)", "0 9 * 1,7 0"),
        ("cron(0 9 ? * 1 *)", "0 9 * * 0"),  # AWS 1 = SUN = Kubernetes 0
        ("cron(0 9 ? * 7 *)", "0 9 * * 6"),  # AWS 7 = SAT = Kubernetes 6
        ("cron(0 9 ? * SAT,SUN *)", "0 9 * * 6,0"),
        ("cron(0 9 ? * 2/2 *)", "0 9 * * 1-6/2"),  # MON, WED, FRI either way
        ("cron(0 9 ? * */2 *)", "0 9 * * */2"),  # SUN, TUE, THU, SAT either way
        ("cron(0 0 1-15/7 FEB-APR ? *)", "0 0 1-15/7 2-4 *"),
        ("cron(30 2 ? * mon *)", "30 2 * * 1"),  # names in any case
    ],
)
def test_cron_fields(aws, kubernetes):
    if kubernetes is None:
        refused(aws)
    else:
        assert cron(aws) == kubernetes


def expand(field: str, low: int, high: int) -> set[int]:
    """The values a Kubernetes cron field selects (the subset of the syntax the translator emits)."""
    values: set[int] = set()
    for item in field.split(","):
        base, _, step = item.partition("/")
        if base == "*":
            start, end = low, high
        elif "-" in base:
            start, end = (int(x) for x in base.split("-"))
        else:
            start = end = int(base)
        values.update(range(start, end + 1, int(step or 1)))
    return values


@pytest.mark.parametrize(
    ("field", "days"),
    [
        ("MON-FRI", {"MON", "TUE", "WED", "THU", "FRI"}),
        ("2-6", {"MON", "TUE", "WED", "THU", "FRI"}),
        ("1,7", {"SUN", "SAT"}),
        ("2/2", {"MON", "WED", "FRI"}),
        ("*/3", {"SUN", "WED", "SAT"}),
        ("3-7/2", {"TUE", "THU", "SAT"}),
        ("*", {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}),
    ],
)
def test_day_of_week_selects_the_same_days(field, days):
    kubernetes_days = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")  # 0-6
    schedule = cron(f"cron(0 9 ? * {field} *)")
    assert {kubernetes_days[d] for d in expand(schedule.split()[4], 0, 6)} == days


def test_the_question_mark_leaves_the_other_day_field_in_charge():
    # Kubernetes ORs day-of-month and day-of-week only when both are restricted; `?` becomes `*`.
    assert cron("cron(0 9 15 * ? *)") == "0 9 15 * *"
    assert cron("cron(0 9 ? * 3 *)") == "0 9 * * 2"


# --- cron: refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("cron(0 9 L * ? *)", "cannot express L"),
        ("cron(0 9 15W * ? *)", "cannot express W"),
        ("cron(0 9 LW * ? *)", "cannot express L, W"),
        ("cron(0 9 ? * 6L *)", "cannot express L"),
        ("cron(0 9 ? * 6#3 *)", "cannot express #"),
        ("cron(0 9 ? * MON 2027)", "cannot limit the year"),
        ("cron(0 9 ? * MON 2026-2030)", "cannot limit the year"),
        ("cron(0 9 ? * MON */2)", "cannot limit the year"),
    ],
)
def test_what_a_cron_job_cannot_express_is_refused(expression, words):
    assert words in refused(expression)


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("cron(0 9 * * *)", "six fields"),
        ("cron(0 9 * * MON *)", "exactly one of day-of-month and day-of-week"),
        ("cron(0 9 ? * ? *)", "exactly one of day-of-month and day-of-week"),
        ("cron(60 9 ? * MON *)", "outside 0-59"),
        ("cron(0 24 ? * MON *)", "outside 0-23"),
        ("cron(0 9 0 * ? *)", "outside 1-31"),
        ("cron(0 9 ? 13 MON *)", "outside 1-12"),
        ("cron(0 9 ? * 0 *)", "outside 1-7"),  # Kubernetes' Sunday is not AWS's
        ("cron(0 9 ? * FRI-MON *)", "backwards"),
        ("cron(0/0 9 ? * MON *)", "step"),
        ("cron(0 9 ? * FUN *)", "not a value"),
        ("cron(? 9 ? * MON *)", "not a value"),
        ("every day", "not cron"),
    ],
)
def test_invalid_aws_expressions_are_refused(expression, words):
    assert words in refused(expression)


# --- time zones ----------------------------------------------------------------------------------


def test_the_cron_time_zone_goes_to_time_zone_and_defaults_to_utc():
    assert translate("cron(0 9 ? * MON *)", None, anchor=ANCHOR, refuse_before=NOW).time_zone == "UTC"
    berlin = translate("cron(0 9 ? * MON *)", "Europe/Berlin", anchor=ANCHOR, refuse_before=NOW)
    assert (berlin.schedule, berlin.time_zone) == ("0 9 * * 1", "Europe/Berlin")


def test_an_unknown_time_zone_is_refused():
    assert "not an IANA time zone" in refused("cron(0 9 ? * MON *)", "Mars/Olympus")


# --- rate ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "schedule"),
    [
        ("rate(1 minute)", "* * * * *"),
        ("rate(5 minutes)", "2-59/5 * * * *"),  # phase: the anchor's minute 17
        ("rate(15 minutes)", "2-59/15 * * * *"),
        ("rate(20 minutes)", "17-59/20 * * * *"),
        ("rate(30 minutes)", "17-59/30 * * * *"),
        ("rate(60 minutes)", "17 * * * *"),
        ("rate(1 hour)", "17 * * * *"),
        ("rate(2 hours)", "17 */2 * * *"),  # anchor hour 10 is on the 2-hour grid
        ("rate(3 hours)", "17 1-23/3 * * *"),
        ("rate(120 minutes)", "17 */2 * * *"),
        ("rate(12 hours)", "17 10-23/12 * * *"),
        ("rate(1 day)", "17 10 * * *"),
        ("rate(24 hours)", "17 10 * * *"),
        ("rate(7 days)", "17 10 * * 3"),  # weekly, on the anchor's Wednesday
    ],
)
def test_rates_on_the_clock_grid(expression, schedule):
    result = translate(expression, "Asia/Tokyo", anchor=ANCHOR, refuse_before=NOW)
    assert result.schedule == schedule
    assert result.time_zone == "Etc/UTC"  # a rate is a period: no time zone, no daylight saving


def test_a_rate_is_phased_in_utc():
    tokyo_anchor = datetime.fromisoformat("2026-03-04T19:17:00+09:00")  # 10:17 UTC
    assert translate("rate(1 day)", None, anchor=tokyo_anchor, refuse_before=NOW).schedule == "17 10 * * *"


def test_a_rate_on_the_hour_is_written_plainly():
    on_the_hour = datetime(2026, 3, 4, 0, 0, tzinfo=UTC)
    assert (
        translate("rate(10 minutes)", None, anchor=on_the_hour, refuse_before=NOW).schedule == "*/10 * * * *"
    )


@pytest.mark.parametrize(
    "expression",
    [
        "rate(7 minutes)",
        "rate(45 minutes)",
        "rate(90 minutes)",
        "rate(5 hours)",
        "rate(2 days)",
        "rate(30 days)",
    ],
)
def test_rates_off_the_grid_are_refused(expression):
    assert "clock's grid" in refused(expression)


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("rate(1 minutes)", "rate(1 minute)"),
        ("rate(5 minute)", "rate(n minutes)"),
        ("rate(0 minutes)", "at least 1"),
        ("rate(5 weeks)", "minute(s), hour(s) or day(s)"),
        ("rate(-5 minutes)", "positive whole number"),
        ("rate(five minutes)", "positive whole number"),
    ],
)
def test_invalid_rates_are_refused(expression, words):
    assert words in refused(expression)


# --- at ------------------------------------------------------------------------------------------


def test_at_is_its_minute_day_and_month_in_the_time_zone():
    result = translate("at(2026-07-01T09:30:00)", "America/New_York", anchor=ANCHOR, refuse_before=NOW)
    assert (result.schedule, result.time_zone) == ("30 9 1 7 *", "America/New_York")
    assert result.once == datetime(2026, 7, 1, 13, 30, tzinfo=UTC)  # EDT is UTC-4


def test_at_in_the_past_is_refused_unless_it_already_fired():
    assert "in the past" in refused("at(2026-03-04T10:19:00)")
    assert "in the past" in refused("at(2026-03-04T19:00:00)", "Asia/Tokyo")  # 10:00 UTC
    fired = translate("at(2026-03-04T10:19:00)", None, anchor=ANCHOR, refuse_before=None)
    assert fired.schedule == "19 10 4 3 *"
    assert translate("at(2026-03-04T10:20:00)", None, anchor=ANCHOR, refuse_before=NOW).once == NOW


@pytest.mark.parametrize("expression", ["at(2026-07-01 09:30:00)", "at(2026-02-30T09:30:00)", "at(tomorrow)"])
def test_invalid_at_is_refused(expression):
    refused(expression)
