"""An EventBridge Scheduler expression as a Kubernetes CronJob schedule, exactly or not at all.

Sources: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html (AWS) and
https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax (Kubernetes).

- `cron(min hour day-of-month month day-of-week year)`: six fields, day-of-week 1-7 = SUN-SAT,
  names JAN-DEC and SUN-SAT, `?` in exactly one of the day fields. Kubernetes has five fields and
  day-of-week 0-6 = SUN-SAT, so AWS's 2-6 (MON-FRI) is Kubernetes' 1-5. The output uses numbers
  only, and `a/n` is written `a-max/n` (both mean "from a to the end, every n" in AWS).
  The cron's time zone (`scheduleExpressionTimezone`, default UTC) becomes the CronJob's `timeZone`;
  it is always set, since a CronJob without one runs in kube-controller-manager's local zone.
- `rate(n unit)`: a fixed period. A CronJob repeats on the clock's grid, so only periods that divide
  it evenly are exact: minutes dividing an hour, hours dividing a day, one day or seven days (weekly).
  The phase is the `anchor` (the schedule's startDate, else when it was created), in UTC: a rate has
  no time zone and UTC has no daylight saving jumps. rate(7 minutes) or rate(5 hours) is refused.
- `at(yyyy-mm-ddThh:mm:ss)`: once, in the time zone. The CronJob names the minute, day and month;
  the year is the caller's business (core/run_task/cron_job.py suspends the CronJob after it fired).
- `L`, `W`, `#` and a year other than `*` cannot be said in a CronJob schedule: refused, the
  expression quoted, never approximated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "UTC"  # EventBridge Scheduler's default for scheduleExpressionTimezone
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")  # AWS 1-7, Kubernetes 0-6
_EXPRESSION = re.compile(r"^\s*(cron|rate|at)\((.*)\)\s*$", re.DOTALL)
_RATE = re.compile(r"^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$")
_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
_MINUTES_PER_UNIT = {"minute": 1, "hour": 60, "day": 1440}


class ScheduleExpressionError(ValueError):
    """An expression AWS would refuse, or one a CronJob cannot express; the message quotes it."""

    def __init__(self, expression: str, detail: str) -> None:
        super().__init__(f"scheduleExpression {expression!r}: {detail}")
        self.expression = expression
        self.detail = detail


@dataclass(frozen=True)
class CronSchedule:
    """What a CronJob says: `schedule` (five fields) and `timeZone`; `once` is an at() moment (UTC)."""

    schedule: str
    time_zone: str
    once: datetime | None = None


@dataclass(frozen=True)
class _Field:
    name: str
    low: int  # AWS bounds
    high: int
    names: tuple[str, ...] = ()  # names[i] is the value low + i
    shift: int = 0  # Kubernetes value = AWS value + shift
    question_mark: bool = False
    special: str = ""  # AWS characters a CronJob cannot express in this field


_FIELDS = (
    _Field("minutes", 0, 59),
    _Field("hours", 0, 23),
    _Field("day-of-month", 1, 31, question_mark=True, special="LW"),
    _Field("month", 1, 12, MONTHS),
    _Field("day-of-week", 1, 7, DAYS, shift=-1, question_mark=True, special="L#"),
)


def translate(
    expression: str, timezone: str | None, *, anchor: datetime, refuse_before: datetime | None
) -> CronSchedule:
    """The CronJob schedule of `expression` in `timezone` (IANA name; None is UTC).

    `anchor` (aware) gives a rate its phase. An at() moment before `refuse_before` is refused as
    in the past; None skips that check (the moment already fired). ScheduleExpressionError otherwise.
    """
    match = _EXPRESSION.match(expression)
    if match is None:
        raise ScheduleExpressionError(expression, "not cron(...), rate(...) or at(...)")
    kind, body = match.groups()
    zone_name = timezone or DEFAULT_TIME_ZONE
    zone = _zone(expression, zone_name)
    if kind == "cron":
        return CronSchedule(_cron(expression, body), zone_name)
    if kind == "rate":
        return CronSchedule(_rate(expression, body, anchor.astimezone(UTC)), "Etc/UTC")
    return _at(expression, body, zone_name, zone, refuse_before)


def _zone(expression: str, name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleExpressionError(
            expression, f"scheduleExpressionTimezone {name!r} is not an IANA time zone"
        ) from None


def _cron(expression: str, body: str) -> str:
    parts = body.split()
    if len(parts) != 6:
        raise ScheduleExpressionError(
            expression,
            f"cron takes six fields (minutes hours day-of-month month day-of-week year), got {len(parts)}",
        )
    *fields, year = parts
    if year != "*":
        raise ScheduleExpressionError(
            expression, f"a CronJob cannot limit the year ({year!r}); only '*' can be expressed"
        )
    day_of_month, day_of_week = fields[2], fields[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        raise ScheduleExpressionError(
            expression, "exactly one of day-of-month and day-of-week must be '?' (AWS cannot combine them)"
        )
    return " ".join(_field(expression, value, spec) for value, spec in zip(fields, _FIELDS, strict=True))


def _field(expression: str, value: str, spec: _Field) -> str:
    if value == "?" and spec.question_mark:
        return "*"  # the other day field decides; Kubernetes needs `*` for "any"
    cannot = sorted({c for c in value.upper() if c in spec.special})
    if cannot:
        raise ScheduleExpressionError(
            expression, f"{spec.name} {value!r}: a CronJob cannot express {', '.join(cannot)}"
        )
    return ",".join(_item(expression, item, spec) for item in value.split(","))


def _item(expression: str, item: str, spec: _Field) -> str:
    """One list item: `*`, `v`, `a-b`, each with an optional `/step`."""
    base, slash, step_text = item.partition("/")
    step = None
    if slash:
        if not step_text.isdigit() or int(step_text) < 1:
            raise ScheduleExpressionError(
                expression, f"{spec.name} {item!r}: the step must be a positive number"
            )
        step = int(step_text)
    if base == "*":
        # `*/n` counts from the field's first value; in day-of-week that is AWS 1 = Kubernetes 0.
        return "*" if step is None else f"*/{step}"
    start_text, dash, end_text = base.partition("-")
    start = _value(expression, start_text, spec, item)
    if dash:
        end = _value(expression, end_text, spec, item)
        if start > end:
            raise ScheduleExpressionError(
                expression, f"{spec.name} {item!r}: a range must not run backwards (a CronJob cannot wrap it)"
            )
    else:
        end = spec.high if step is not None else start  # AWS `a/n` runs from a to the last value
    low, high = start + spec.shift, end + spec.shift
    text = str(low) if low == high and step is None else f"{low}-{high}"
    return text if step is None else f"{text}/{step}"


def _value(expression: str, text: str, spec: _Field, item: str) -> int:
    upper = text.upper()
    if upper in spec.names:
        return spec.low + spec.names.index(upper)
    if not text.isdigit():
        raise ScheduleExpressionError(
            expression, f"{spec.name} {item!r}: {text!r} is not a value of this field"
        )
    number = int(text)
    if not spec.low <= number <= spec.high:
        raise ScheduleExpressionError(
            expression, f"{spec.name} {item!r}: {number} is outside {spec.low}-{spec.high}"
        )
    return number


def _rate(expression: str, body: str, anchor: datetime) -> str:
    match = _RATE.match(body)
    if match is None:
        raise ScheduleExpressionError(
            expression, "rate takes a positive whole number and minute(s), hour(s) or day(s)"
        )
    value, unit = int(match.group(1)), match.group(2)
    if value < 1:
        raise ScheduleExpressionError(expression, "the rate must be at least 1")
    singular = unit.removesuffix("s")
    if (value == 1) != (unit == singular):
        raise ScheduleExpressionError(expression, f"AWS writes rate(1 {singular}) and rate(n {singular}s)")
    period = value * _MINUTES_PER_UNIT[singular]
    minute, hour = anchor.minute, anchor.hour
    if period < 60 and 60 % period == 0:
        return f"{_phase(minute, period, 59)} * * * *"
    if period % 60 == 0 and period < 1440 and 1440 % period == 0:
        return f"{minute} {_phase(hour, period // 60, 23)} * * *"
    if period == 1440:
        return f"{minute} {hour} * * *"
    if period == 7 * 1440:
        return f"{minute} {hour} * * {(anchor.weekday() + 1) % 7}"  # Python's Monday 0 -> cron's 1
    raise ScheduleExpressionError(
        expression,
        "a CronJob repeats on the clock's grid; only minutes that divide an hour, hours that divide "
        "a day, 1 day or 7 days repeat exactly",
    )


def _phase(offset: int, step: int, high: int) -> str:
    """Every `step` from `offset % step`: `*`, `*/step` or `first-high/step`."""
    if step == 1:
        return "*"
    first = offset % step
    return f"*/{step}" if first == 0 else f"{first}-{high}/{step}"


def _at(
    expression: str, body: str, zone_name: str, zone: ZoneInfo, refuse_before: datetime | None
) -> CronSchedule:
    text = body.strip()
    if not _AT.match(text):
        raise ScheduleExpressionError(expression, "at takes yyyy-mm-ddThh:mm:ss")
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        raise ScheduleExpressionError(expression, f"{text!r} is not a date and time") from None
    moment = local.replace(tzinfo=zone).astimezone(UTC)
    if local.second:
        # A CronJob fires on whole minutes; AWS invokes within the minute too (60 s precision).
        moment -= timedelta(seconds=local.second)
    if refuse_before is not None and moment < refuse_before:
        raise ScheduleExpressionError(expression, "the one-time moment is in the past")
    return CronSchedule(f"{local.minute} {local.hour} {local.day} {local.month} *", zone_name, moment)
