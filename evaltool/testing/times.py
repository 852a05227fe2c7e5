"""Response times as the survey tools write them."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The styles of :func:`format_times`.
TIME_STYLES = ("fi", "fi-date", "google", "us", "iso")


def helsinki_offset(when: np.ndarray) -> np.ndarray:
    """UTC offset (hours) of Finnish local times.

    Parameters
    ----------
    when
        Local times (anything :class:`pandas.DatetimeIndex` accepts).

    Returns
    -------
    numpy.ndarray
        3 in summer time, else 2.

    Notes
    -----
    The EU rule: summer time from the last Sunday of March to the last Sunday of October.
    """
    ts = pd.DatetimeIndex(when)
    year = ts.year.to_numpy()

    def last_sunday(month: int) -> np.ndarray:
        end = pd.DatetimeIndex(pd.to_datetime({"year": year, "month": month, "day": 31}))
        return (end - pd.to_timedelta((end.day_of_week.to_numpy() + 1) % 7, unit="D")).to_numpy()

    summer = (ts.to_numpy() >= last_sunday(3)) & (ts.to_numpy() < last_sunday(10))
    return np.where(summer, 3, 2)


def format_times(when: np.ndarray, style: str) -> np.ndarray:
    """Response times as text in one tool's style.

    Parameters
    ----------
    when
        Local times (anything :class:`pandas.DatetimeIndex` accepts).
    style
        ``fi`` (Webropol: ``16.3.2024 10:31``), ``fi-date`` (``16.3.2024``), ``google``
        (``2024/03/16 10:31:00 AM GMT+2``, the Helsinki offset of the time), ``us``
        (SurveyMonkey: ``03/16/2024 10:31:00 AM``) or ``iso`` (``2024-03-16 10:31:00``).

    Returns
    -------
    numpy.ndarray
        One string per time.
    """
    ts = pd.DatetimeIndex(when)
    if style == "fi":
        return np.array(
            [f"{t.day}.{t.month}.{t.year} {t.hour}:{t.minute:02d}" for t in ts], dtype=object
        )
    if style == "fi-date":
        return np.array([f"{t.day}.{t.month}.{t.year}" for t in ts], dtype=object)
    if style == "google":
        off = helsinki_offset(when)
        return np.array(
            [
                t.strftime("%Y/%m/%d %I:%M:%S %p") + f" GMT+{o}"
                for t, o in zip(ts, off, strict=True)
            ],
            dtype=object,
        )
    if style == "us":
        return np.array([t.strftime("%m/%d/%Y %I:%M:%S %p") for t in ts], dtype=object)
    if style == "iso":
        return np.array([t.strftime("%Y-%m-%d %H:%M:%S") for t in ts], dtype=object)
    raise ValueError(f"unknown time style {style!r}; one of {', '.join(TIME_STYLES)}")
