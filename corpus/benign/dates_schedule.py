# Scheduling with datetime: fixed dates only.
import datetime
from datetime import date, timedelta

start = date(2024, 1, 29)
holidays = {date(2024, 2, 12), date(2024, 3, 29)}


def business_days(first, n):
    day = first
    out = []
    while len(out) < n:
        if day.weekday() < 5 and day not in holidays:
            out.append(day)
        day += timedelta(days=1)
    return out


days = business_days(start, 12)
print([d.isoformat() for d in days[::3]])
print(days[-1].strftime("%A %d %B %Y"), (days[-1] - start).days)
meeting = datetime.datetime(2024, 2, 29, 14, 30, tzinfo=datetime.timezone.utc)
berlin = datetime.timezone(timedelta(hours=1), "CET")
print(meeting.isoformat(), meeting.astimezone(berlin).strftime("%H:%M %Z"))
print(datetime.datetime.strptime("2024-07-04 09:15", "%Y-%m-%d %H:%M") + timedelta(hours=30))
print(date(2024, 12, 31).toordinal() - date(2024, 1, 1).toordinal() + 1, date(2023, 12, 31).isocalendar())
dur = timedelta(days=1, hours=3, minutes=7)
print(dur, dur.total_seconds(), date.fromisoformat("2025-06-01") > start)
