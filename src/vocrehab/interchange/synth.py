"""Synthetic VRMDS datasets: realistic, valid, deterministic, and fast at national scale.

The distributions follow the 2014 Glasgow evaluation of the three-tier VR service
(``seeds/001``, chapters 2 and 3): conditions (73% cancer, a quarter of all clients with
breast cancer, 17% IBD, 10% MS), sex (60% female), ages 17–65 with mean about 46,
referral sources, tiers (about three quarters tier 2, a fifth tier 3, a few never
engaged), contacts (mean 5 per tier 2 and 18 per tier 3 episode), time to assessment
(Table "assessed within": 42% same day, 73% a week, 88% two weeks, 95% four weeks),
length of stay (22% under 4 weeks, 52% under 12, 66% under 16), work-status transitions
(Table 6), 4% re-referrals, 29% of the Scottish service's clients in the most deprived
15% of data zones, measures for tier 3 clients and satisfaction returns.

Nothing here is a real person. Dates end at :data:`END_DATE`, a fixed day in the past,
so the same seed always gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import random
import shutil
import tempfile
import zipfile
from bisect import bisect
from collections import deque
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from vocrehab import codes
from vocrehab.interchange.vrmds import schema

END_DATE = dt.date(2025, 12, 31)
START_DATE = dt.date(2016, 1, 1)
# The share of tier 3 clients asked PHQ-9, GAD-7 and WHO-5 instead of HADS.
OPEN_WELLBEING_SHARE = 0.4
_CHUNK = 20_000


@dataclass(frozen=True)
class _Service:
    code: str
    nation: str
    index: str
    areas: tuple[tuple[str, float], ...]  # (GSS code, weight)
    worst_15pct: float  # share of clients living in the most deprived 15% of areas


# GSS codes of local authorities: Glasgow and the Beatson catchment (about a fifth of
# the Glasgow service's clients came from outside NHS GG&C), Leeds, Sussex, and so on.
_CATALOGUE = (
    _Service(
        "GGC-VR",
        codes.Nation.SCOTLAND,
        codes.DeprivationIndex.SIMD2020,
        (
            ("S12000049", 45),  # Glasgow City
            ("S12000038", 10),  # Renfrewshire
            ("S12000011", 5),  # East Renfrewshire
            ("S12000045", 5),  # East Dunbartonshire
            ("S12000039", 5),  # West Dunbartonshire
            ("S12000018", 4),  # Inverclyde
            ("S12000008", 6),  # East Ayrshire
            ("S12000021", 6),  # North Ayrshire
            ("S12000028", 5),  # South Ayrshire
            ("S12000014", 9),  # Falkirk
        ),
        0.29,
    ),
    _Service(
        "LEEDS-VR", codes.Nation.ENGLAND, codes.DeprivationIndex.IMD2019, (("E08000035", 1),), 0.24
    ),  # fmt: skip
    _Service(
        "SUSSEX-VR",
        codes.Nation.ENGLAND,
        codes.DeprivationIndex.IMD2019,
        (("E06000043", 3), ("E10000011", 4), ("E10000032", 5)),
        0.10,
    ),
    _Service(
        "LOTHIAN-VR",
        codes.Nation.SCOTLAND,
        codes.DeprivationIndex.SIMD2020,
        (("S12000036", 1),),
        0.12,
    ),  # fmt: skip
    _Service(
        "BRISTOL-VR",
        codes.Nation.ENGLAND,
        codes.DeprivationIndex.IMD2019,
        (("E06000023", 1),),
        0.16,
    ),  # fmt: skip
    _Service(
        "TAYSIDE-VR",
        codes.Nation.SCOTLAND,
        codes.DeprivationIndex.SIMD2020,
        (("S12000042", 1),),
        0.30,
    ),  # fmt: skip
    _Service(
        "MANCHESTER-VR",
        codes.Nation.ENGLAND,
        codes.DeprivationIndex.IMD2019,
        (("E08000003", 1),),
        0.40,
    ),  # fmt: skip
)


def service_catalogue(count: int) -> list[_Service]:
    """The first ``count`` services; the first is Scottish. Beyond the named ones,
    numbered sites reuse their areas, alternating nations."""
    if count < 1:
        raise ValueError("at least one service is needed")
    services = list(_CATALOGUE[:count])
    for n in range(len(services), count):
        model = _CATALOGUE[n % len(_CATALOGUE)]
        services.append(
            _Service(
                f"SITE{n + 1:03d}-VR", model.nation, model.index, model.areas, model.worst_15pct
            )  # fmt: skip
        )
    return services


class _Pick:
    """Weighted choice by bisection over cumulative weights: one random() per pick."""

    __slots__ = ("_values", "_cum", "_total", "_random")

    def __init__(self, rng: random.Random, pairs):
        values, weights = zip(*pairs, strict=True)
        self._values = values
        self._cum = list(accumulate(weights))
        self._total = self._cum[-1]
        self._random = rng.random

    def __call__(self):
        return self._values[bisect(self._cum, self._random() * self._total)]


def write_synthetic_dataset(
    out_path: str | os.PathLike,
    episodes: int,
    seed: int = 0,
    services: int = 3,
) -> dict[str, int]:
    """Write a synthetic VRMDS v1 dataset of ``episodes`` episodes; return rows per file.

    ``out_path`` is a folder (created; its VRMDS files are replaced) or a path ending in
    ``.zip``. The same arguments always produce the same bytes. Memory stays bounded:
    rows are written in chunks as they are made.
    """
    out_path = Path(out_path)
    if episodes < 0:
        raise ValueError("episodes must be 0 or more")
    if out_path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory() as tmp:
            counts = _write_folder(Path(tmp), episodes, seed, services)
            _zip_folder(Path(tmp), out_path)
        return counts
    out_path.mkdir(parents=True, exist_ok=True)
    return _write_folder(out_path, episodes, seed, services)


def _zip_folder(folder: Path, target: Path) -> None:
    # Fixed timestamps and order keep the archive byte-for-byte reproducible.
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in schema.FILE_NAMES:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with (folder / name).open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)


def _write_folder(folder: Path, episodes: int, seed: int, services: int) -> dict[str, int]:
    handles = {
        name: (folder / name).open("w", newline="", encoding="utf-8") for name in schema.FILE_NAMES
    }
    try:
        writers = {name: csv.writer(fh) for name, fh in handles.items()}
        for name, writer in writers.items():
            writer.writerow(schema.HEADERS[name])
        generator = _Generator(random.Random(seed), writers)
        catalogue = service_catalogue(services)
        base, extra = divmod(episodes, len(catalogue))
        for position, service in enumerate(catalogue):
            generator.service(service, base + (1 if position < extra else 0))
        generator.flush()
        return dict(generator.counts)
    finally:
        for fh in handles.values():
            fh.close()


# Cancer sites as ICD-10 three-character codes, weighted so that breast cancer (C50) is
# a quarter of all clients when cancer is 73%; the sex of sex-specific sites is fixed.
_CANCER_SITES = (
    ("C50", 34.2), ("C18", 6), ("C20", 3), ("C34", 5), ("C61", 3), ("C62", 2), ("C53", 4),
    ("C54", 3), ("C56", 4), ("C43", 3), ("C85", 5), ("C81", 2), ("C91", 1.5), ("C92", 1.5),
    ("C90", 2), ("C71", 2), ("C67", 2), ("C64", 2), ("C16", 2), ("C15", 2), ("C10", 2),
    ("C32", 1.5), ("C73", 2), ("C25", 1.3),
)  # fmt: skip
_FEMALE_SITES = frozenset({"C53", "C54", "C56"})
_MALE_SITES = frozenset({"C61", "C62"})
# With breast and the female-only sites fixed, this share of everyone else is female
# so that 60% of all clients are.
_FEMALE_SHARE_OTHERS = 0.43

_C = codes.Condition
_WS = codes.WorkStatus
_MR = codes.MainReason

_REASONS_BY_TIER = {  # Table 2, % of tier
    "2": ((_MR.RETURN_FROM_SICKNESS, 40), (_MR.STAY_IN_WORK, 24), (_MR.FIND_WORK, 21),
          (_MR.CHANGE_JOB, 9), (_MR.LEAVE_WORK, 4), (_MR.THIRD_PARTY, 2)),
    "3": ((_MR.RETURN_FROM_SICKNESS, 60), (_MR.STAY_IN_WORK, 21), (_MR.CHANGE_JOB, 14),
          (_MR.LEAVE_WORK, 5)),
}  # fmt: skip

# Table 6: status at discharge by status at entry (counts of 257 clients). Tier 3
# moved more people from sickness absence into work (Table 7), hence its own row.
_TRANSITIONS = {
    "in_work": ((_WS.AT_WORK, 48), (_WS.SELF_EMPLOYED, 2), (_WS.OFF_SICK, 8),
                (_WS.UNEMPLOYED, 1), (_WS.RETIRED, 2), (_WS.NOT_KNOWN, 5)),
    "off_sick": ((_WS.OFF_SICK, 53), (_WS.AT_WORK, 52), (_WS.SELF_EMPLOYED, 1),
                 (_WS.UNEMPLOYED, 8), (_WS.RETIRED, 11), (_WS.EDUCATION, 1),
                 (_WS.VOLUNTEERING, 2), (_WS.DECEASED, 2), (_WS.NOT_KNOWN, 9)),
    "off_sick_tier3": ((_WS.AT_WORK, 51), (_WS.SELF_EMPLOYED, 3), (_WS.OFF_SICK, 16),
                       (_WS.UNEMPLOYED, 10), (_WS.RETIRED, 15), (_WS.VOLUNTEERING, 3),
                       (_WS.NOT_KNOWN, 2)),
    "not_in_work": ((_WS.UNEMPLOYED, 36), (_WS.AT_WORK, 4), (_WS.RETIRED, 1),
                    (_WS.OFF_SICK, 1), (_WS.VOLUNTEERING, 1), (_WS.EDUCATION, 3),
                    (_WS.NOT_KNOWN, 6)),
}  # fmt: skip

_INTERVENTIONS_CORE = (
    ("problem_solving", 10), ("work_readiness", 14), ("condition_management", 14),
    ("psychological", 16), ("rights_disclosure", 8), ("onward_referral", 10),
    ("phased_return", 8), ("goal_setting", 8), ("workplace_adjustments", 4),
)  # fmt: skip
_INTERVENTIONS_EMPLOYER = (
    ("employer_liaison", 50), ("phased_return", 25), ("workplace_adjustments", 20),
    ("rights_disclosure", 5),
)  # fmt: skip

_ONWARD_SERVICES = {
    "employment": ("Access to Work", "Jobcentre Plus disability employment adviser"),
    "welfare": ("Macmillan benefits advice", "Citizens Advice welfare rights"),
    "financial": ("Citizens Advice debt advice", "Pension scheme administrator"),
    "health_wellbeing": ("Look Good Feel Better", "Local physical activity programme"),
    "psychological": ("Counselling service", "Clinical psychology"),
    "clinical": ("Occupational therapy", "Clinical nurse specialist"),
    "careers": ("Careers advice service", "College course enquiry"),
    "legal": ("ACAS helpline", "Trade union representative"),
    "self_management": ("Fatigue management course", "Living well self-management course"),
    "other": ("Carers centre",),
}


class _Generator:
    """Makes episodes one by one and writes them with their contacts, onward and measures."""

    def __init__(self, rng: random.Random, writers: dict[str, csv.writer]):
        self.rng = rng
        self.r = rng.random
        self.writers = writers
        self.buffers: dict[str, list] = {name: [] for name in schema.FILE_NAMES}
        self.counts: dict[str, int] = dict.fromkeys(schema.FILE_NAMES, 0)
        self.start = START_DATE.toordinal()
        self.end = END_DATE.toordinal()
        # Every date written is looked up here instead of formatted: a large saving.
        self.base = self.start - 366 * 25
        self.iso = [dt.date.fromordinal(o).isoformat() for o in range(self.base, self.end + 400)]
        p = lambda pairs: _Pick(rng, pairs)  # noqa: E731
        self.pick_condition = p(
            ((_C.CANCER, 73), (_C.IBD, 17), (_C.MS, 9.5), (_C.COPD, 0.3), (_C.OTHER, 0.2))
        )
        self.pick_site = p(_CANCER_SITES)
        self.pick_source = p(
            (("acute_nhs", 50), ("self", 28), ("macmillan", 7), ("primary_care", 5),
             ("voluntary", 4), ("occupational_health", 2), ("employer", 1.5),
             ("jobcentre", 1), ("local_authority", 0.5), ("other", 1))
        )  # fmt: skip
        self.pick_ethnicity = {
            codes.Nation.SCOTLAND: p(
                (("A", 97.5), ("C", 1), ("L", 0.3), ("H", 0.2), ("J", 0.3), ("N", 0.2), ("Z", 0.5))
            ),  # fmt: skip
            codes.Nation.ENGLAND: p(
                (
                    ("A", 80),
                    ("C", 4),
                    ("H", 3),
                    ("J", 3),
                    ("N", 2),
                    ("M", 1),
                    ("R", 1),
                    ("F", 1),
                    ("K", 1),
                    ("L", 1),
                    ("G", 1),
                    ("S", 1),
                    ("Z", 1),
                )
            ),  # fmt: skip
        }
        self.pick_tier = p((("2", 74.5), ("3", 22.3), ("", 3.2)))
        self.pick_reason = {tier: p(pairs) for tier, pairs in _REASONS_BY_TIER.items()}
        self.pick_occupation = p(
            (("1", 4), ("2", 16), ("3", 7), ("4", 12), ("5", 5), ("6", 15), ("7", 8),
             ("8", 3), ("9", 11), ("other", 1), ("not_known", 3))
        )  # fmt: skip
        self.pick_assess_gap = p(((0, 42), (1, 31), (2, 15), (3, 7), (4, 5)))
        self.pick_los_band = p(((0, 21), (1, 28), (2, 14), (3, 37)))
        self.pick_transition = {k: p(v) for k, v in _TRANSITIONS.items()}
        self.pick_mode = p(
            (("phone", 45), ("face_to_face", 38), ("home_visit", 6), ("video", 6),
             ("email", 3), ("letter", 2))
        )  # fmt: skip
        self.pick_with = p((("client", 86), ("employer", 8), ("third_party", 6)))
        self.pick_core = p(_INTERVENTIONS_CORE)
        self.pick_employer_work = p(_INTERVENTIONS_EMPLOYER)
        self.pick_category = p(
            (("employment", 30), ("welfare", 22), ("health_wellbeing", 14), ("financial", 8),
             ("psychological", 8), ("clinical", 5), ("careers", 5), ("legal", 3),
             ("self_management", 4), ("other", 1))
        )  # fmt: skip
        self.pick_overall = p(((4, 80), (3, 19), (2, 1)))
        self.pick_helpful = p(((4, 78), (3, 19), (2, 3)))
        self.pick_involved = p(((4, 81), (3, 17), (2, 2)))
        self.pick_impact = p(((5, 66), (4, 19), (3, 12), (2, 3)))

    # -- output -----------------------------------------------------------------------

    def emit(self, name: str, row) -> None:
        buffer = self.buffers[name]
        buffer.append(row)
        if len(buffer) >= _CHUNK:
            self.writers[name].writerows(buffer)
            self.counts[name] += len(buffer)
            buffer.clear()

    def flush(self) -> None:
        for name, buffer in self.buffers.items():
            self.writers[name].writerows(buffer)
            self.counts[name] += len(buffer)
            buffer.clear()

    # -- one service ----------------------------------------------------------------------

    def service(self, service: _Service, count: int) -> None:
        r = self.r
        span = self.end - self.start
        # Discharged episodes that a later re-referral may point back to.
        earlier: deque = deque(maxlen=2000)
        clients = 0
        for i in range(count):
            referral = self.start + (i * span) // max(count, 1)
            previous = None
            if earlier and r() < 0.04:
                previous = self._take_previous(earlier, referral)
            if previous is None:
                clients += 1
                person = self._person(service, f"{service.code}-C{clients:07d}", referral)
            else:
                person = previous[1]
            episode_id = f"{service.code}-E{i + 1:07d}"
            discharge = self._episode(
                service, episode_id, person, referral, previous[0] if previous else ""
            )
            if discharge is not None:
                earlier.append((discharge, episode_id, person, referral))

    def _take_previous(self, earlier: deque, referral: int):
        r = self.r
        for _ in range(4):
            index = int(r() * len(earlier))
            discharge, episode_id, person, old_referral = earlier[index]
            years = (referral - old_referral) // 365
            # Keep everyone within the working ages the evaluation saw (17 to 65).
            if discharge < referral and person["age"] + years <= 65:
                del earlier[index]
                return episode_id, dict(person, age=person["age"] + years)
        return None

    def _person(self, service: _Service, client_id: str, referral: int) -> dict:
        r = self.r
        condition = self.pick_condition()
        detail = ""
        if condition == _C.CANCER:
            detail = self.pick_site()
            if detail == "C50":
                sex = "female" if r() < 0.99 else "male"
            elif detail in _FEMALE_SITES:
                sex = "female"
            elif detail in _MALE_SITES:
                sex = "male"
            else:
                sex = "female" if r() < _FEMALE_SHARE_OTHERS else "male"
            mean_age = 48
        else:
            sex = "female" if r() < _FEMALE_SHARE_OTHERS else "male"
            if condition == _C.IBD:
                detail = "Crohn's disease" if r() < 0.55 else "Ulcerative colitis"
                mean_age = 38
            elif condition == _C.MS:
                detail = "Relapsing-remitting MS" if r() < 0.7 else ""
                mean_age = 44
            else:
                mean_age = 55
        if r() < 0.003:
            sex = "not_stated"
        age = int(self.rng.gauss(mean_age, 9.5) + 0.5)
        age = 17 if age < 17 else 65 if age > 65 else age

        if r() < 0.92:
            x = r()
            if condition == _C.CANCER:
                days = 14 + int(x * 350) if r() < 0.5 else 365 + int(x * 3285)
            elif condition == _C.IBD:
                days = 30 + int(x * 330) if r() < 0.09 else 365 + int(x * 7000)
            elif condition == _C.MS:
                days = 30 + int(x * 330) if r() < 0.39 else 365 + int(x * 5100)
            else:
                days = 365 + int(x * 3000)
            diagnosis = self.iso[referral - days - self.base]
        else:
            diagnosis = ""

        nhs = ""
        if r() < 0.7:
            if service.nation == codes.Nation.SCOTLAND:
                nhs = self._chi(referral - age * 365 - int(r() * 364), sex)
            else:
                nhs = self._nhs_test_number()

        areas = service.areas
        area = areas[0][0] if len(areas) == 1 else self._area(areas)
        index = rank = decile = ""
        if r() < 0.95:
            index = str(service.index)
            total = codes.DEPRIVATION_AREAS[service.index]
            worst = int(0.15 * total)
            n = (
                1 + int(r() * worst)
                if r() < service.worst_15pct
                else worst + 1 + int(r() * (total - worst))
            )
            dec = math.ceil(10 * n / total)
            if r() < 0.9:
                rank, decile = str(n), str(dec)
            else:  # some services keep only the decile
                decile = str(dec)

        return {
            "client_id": client_id,
            "nhs": nhs,
            "sex": sex,
            "age": age,
            "ethnicity": self.pick_ethnicity.get(
                service.nation, self.pick_ethnicity[codes.Nation.ENGLAND]
            )(),
            "area": area,
            "index": index,
            "rank": rank,
            "decile": decile,
            "condition": str(condition),
            "detail": detail,
            "diagnosis": diagnosis,
        }

    def _area(self, areas) -> str:
        total = sum(w for _, w in areas)
        x = self.r() * total
        for code, weight in areas:
            x -= weight
            if x < 0:
                return code
        return areas[-1][0]

    def _chi(self, birth: int, sex: str) -> str:
        born = dt.date.fromordinal(birth)
        r = self.r
        while True:
            sex_digit = int(r() * 5) * 2 + (1 if sex == "male" else 0)
            stem = f"{born:%d%m%y}{int(r() * 100):02d}{sex_digit}"
            check = _mod11(stem)
            if check is not None:
                return stem + str(check)

    def _nhs_test_number(self) -> str:
        # 999 000 0000 to 999 999 9999 is the range NHS England keeps for test data.
        while True:
            stem = f"999{int(self.r() * 1_000_000):06d}"
            check = _mod11(stem)
            if check is not None:
                return stem + str(check)

    # -- one episode --------------------------------------------------------------------

    def _episode(self, service, episode_id, person, referral, previous_id) -> int | None:
        r = self.r
        iso = self.iso
        base = self.base
        end = self.end
        tier = self.pick_tier()
        engaged = tier != ""
        reason = self.pick_reason[tier or "2"]()
        status = self._entry_status(reason, tier)
        weeks = ""
        if status == _WS.OFF_SICK and r() < 0.9:
            weeks = str(21 + int(r() * 58) if r() < 0.6 else 1 + int(r() * 20))
        if status == _WS.UNEMPLOYED:
            occupation = "unemployed" if r() < 0.8 else self.pick_occupation()
        elif status == _WS.EDUCATION:
            occupation = "student"
        else:
            occupation = self.pick_occupation()

        engagement = "engaged"
        first_contact = assessment = None
        if not engaged:
            engagement = "did_not_engage"
            if r() < 0.8:
                first_contact = referral + int(r() * 6)
            stay = 14 + int(r() * 47)
        else:
            band = self.pick_assess_gap()
            if band == 0:
                gap = 0
            elif band == 1:
                gap = 1 + int(r() * 7)
            elif band == 2:
                gap = 8 + int(r() * 7)
            elif band == 3:
                gap = 15 + int(r() * 14)
            else:
                gap = 29 + int(r() * 62)
            assessment = referral + gap
            first = int(r() * 5)
            first_contact = referral + (gap if first > gap else first)
            band = self.pick_los_band()
            if band == 0:
                stay = 7 + int(r() * 21)
            elif band == 1:
                stay = 28 + int(r() * 56)
            elif band == 2:
                stay = 84 + int(r() * 28)
            else:
                stay = 112 + int(r() * 253)
            if r() < 0.035:
                engagement = "withdrew"
                stay = 7 + int(r() * 50)
            if stay <= gap:
                stay = gap + 1 + int(r() * 14)
        if assessment is not None and assessment > end:
            assessment = None
        if first_contact is not None and first_contact > end:
            first_contact = None
        discharge = referral + stay
        if discharge > end:
            discharge = None

        exit_status = ""
        followup = followup_status = ""
        if discharge is not None:
            exit_status = self._exit_status(status, tier, engagement)
            if reason != _MR.THIRD_PARTY and r() < 0.2 and discharge + 182 + 30 <= end:
                followup = iso[discharge + 182 + int(r() * 30) - base]
                followup_status = self._followup_status(exit_status)

        self.emit(
            schema.EPISODES,
            (
                episode_id,
                person["client_id"],
                service.code,
                person["nhs"],
                iso[referral - base],
                self.pick_source(),
                iso[first_contact - base] if first_contact is not None else "",
                iso[assessment - base] if assessment is not None else "",
                person["sex"],
                person["age"],
                person["ethnicity"],
                person["area"],
                person["index"],
                person["rank"],
                person["decile"],
                person["condition"],
                person["detail"],
                person["diagnosis"],
                occupation,
                str(status),
                weeks,
                str(reason),
                tier,
                engagement,
                iso[discharge - base] if discharge is not None else "",
                str(exit_status),
                followup,
                str(followup_status),
                previous_id,
            ),
        )
        if assessment is not None:
            last = discharge if discharge is not None else end
            planned = referral + stay
            self._contacts(episode_id, tier, reason, engagement, assessment, last, planned)
            self._onward(episode_id, assessment, last)
            if tier == "3" and r() < 0.5:
                self._measures(episode_id, assessment, discharge)
            if discharge is not None and r() < 0.3:
                self._satisfaction(episode_id, discharge)
        return discharge

    def _entry_status(self, reason: str, tier: str) -> str:
        r = self.r
        if reason == _MR.RETURN_FROM_SICKNESS:
            return _WS.OFF_SICK
        if reason == _MR.STAY_IN_WORK:
            return _WS.AT_WORK if r() < 0.96 else _WS.SELF_EMPLOYED
        if reason == _MR.FIND_WORK:
            x = r()
            return (
                _WS.UNEMPLOYED
                if x < 0.9
                else _WS.EDUCATION
                if x < 0.94
                else _WS.VOLUNTEERING
                if x < 0.97
                else _WS.NOT_KNOWN
            )
        if reason == _MR.CHANGE_JOB:
            return _WS.OFF_SICK if r() < (0.8 if tier == "3" else 0.45) else _WS.AT_WORK
        if reason == _MR.LEAVE_WORK:
            return _WS.OFF_SICK if r() < 0.7 else _WS.AT_WORK
        x = r()  # third party: a family member or carer
        return _WS.AT_WORK if x < 0.6 else _WS.OFF_SICK if x < 0.8 else _WS.UNEMPLOYED

    def _exit_status(self, status: str, tier: str, engagement: str) -> str:
        if engagement != "engaged" and self.r() < 0.5:
            return _WS.NOT_KNOWN if self.r() < 0.5 else status
        if status in codes.IN_WORK:
            return self.pick_transition["in_work"]()
        if status == _WS.OFF_SICK:
            return self.pick_transition["off_sick_tier3" if tier == "3" else "off_sick"]()
        return self.pick_transition["not_in_work"]()

    def _followup_status(self, exit_status: str) -> str:
        x = self.r()
        if exit_status in codes.IN_WORK:  # 92% of those in work were still in work
            return exit_status if x < 0.92 else _WS.OFF_SICK if x < 0.96 else _WS.RETIRED
        if exit_status == _WS.OFF_SICK:
            return _WS.AT_WORK if x < 0.45 else _WS.OFF_SICK if x < 0.7 else _WS.RETIRED
        if exit_status in (_WS.DECEASED, _WS.RETIRED, _WS.NOT_KNOWN):
            return exit_status
        return exit_status if x < 0.8 else _WS.AT_WORK

    def _contacts(self, episode_id, tier, reason, engagement, first, last, planned) -> None:
        r = self.r
        if reason == _MR.THIRD_PARTY:
            count = 1 + int(r() * 3)
        elif tier == "3":
            count = 6 + int(r() * 25)
        else:
            count = 1 + int(r() * 9)
        if engagement == "withdrew":
            count = min(count, 1 + int(r() * 3))
        if last < planned:  # still open: only the contacts made so far
            count = max(1, count * (last - first + 1) // (planned - first + 1))
        span = last - first + 1
        days = sorted(first + int(r() * span) for _ in range(count - 1))
        iso, base = self.iso, self.base
        emit = self.emit
        emit(schema.CONTACTS, (episode_id, iso[first - base], "face_to_face", "client",
                               60, "assessment;goal_setting"))  # fmt: skip
        withdrawal = reason == _MR.LEAVE_WORK
        for day in days:
            with_ = self.pick_with()
            if with_ == "employer":
                work = self.pick_employer_work()
            else:
                work = self.pick_core()
                if withdrawal and r() < 0.4:
                    work = "supported_withdrawal"
                elif r() < 0.35:
                    other = self.pick_core()
                    if other != work:
                        work = f"{work};{other}"
            minutes = "" if r() < 0.1 else 10 + 5 * int(r() * 14)
            emit(schema.CONTACTS, (episode_id, iso[day - base], self.pick_mode(), with_,
                                   minutes, work))  # fmt: skip

    def _onward(self, episode_id, first, last) -> None:
        r = self.r
        span = last - first + 1
        for kind, chance in (("referral", 0.21), ("signpost", 0.48)):
            if r() >= chance:
                continue
            for _ in range(1 if r() < 0.65 else 2):
                category = self.pick_category()
                names = _ONWARD_SERVICES[category]
                self.emit(
                    schema.ONWARD,
                    (
                        episode_id,
                        self.iso[first + int(r() * span) - self.base],
                        kind,
                        category,
                        names[int(r() * len(names))],
                        "",
                    ),
                )

    def _measures(self, episode_id, entry, discharge) -> None:
        """Tier 3 measures at entry and, for most, discharge, improving as in chapter 3."""
        r = self.r
        emit = self.emit
        severity = r()
        timepoints = [("entry", entry, 0.0)]
        if discharge is not None and r() < 0.8:
            timepoints.append(("discharge", discharge, 1.0))
        copm_p = 3.0 + r() * 3.8
        copm_s = 4.0 + r() * 3.4
        gain_p = 0.5 + r() * 3.2
        gain_s = 1.5 + r() * 4.5
        # Services without a HADS licence ask the openly licensed PHQ-9, GAD-7 and WHO-5.
        open_set = r() < OPEN_WELLBEING_SHARE
        for timepoint, day, after in timepoints:
            date = self.iso[day - self.base]
            level_boost = severity * (1.0 - 0.45 * after)
            for dim in ("mobility", "self_care", "usual_activities", "pain_discomfort",
                        "anxiety_depression"):  # fmt: skip
                level = 1 + int(r() * (1 + 3.2 * level_boost))
                emit(schema.MEASURES, (episode_id, timepoint, date, "eq5d5l", dim,
                                       level if level < 5 else 5))  # fmt: skip
            vas = int(40 + 45 * (1 - severity) + 13 * after + (r() - 0.5) * 16)
            emit(schema.MEASURES, (episode_id, timepoint, date, "eq5d5l", "vas",
                                   min(100, max(0, vas))))  # fmt: skip
            if open_set:
                self._open_wellbeing(episode_id, timepoint, date, severity, after)
            else:
                hads_scale = 4 * (0.3 + 0.7 * severity) * (1.0 - 0.45 * after)
                for prefix in ("a", "d"):
                    # Over half came with moderate or severe anxiety; depression was milder.
                    bias = (0.9 - 0.3 * after) if prefix == "a" else 0.2
                    for n in range(1, 8):
                        value = min(3, int(r() * hads_scale + bias))
                        emit(schema.MEASURES, (episode_id, timepoint, date, "hads",
                                               f"{prefix}{n}", value))  # fmt: skip
            perf = min(10.0, copm_p + gain_p * after)
            sat = min(10.0, copm_s + gain_s * after)
            emit(schema.MEASURES, (episode_id, timepoint, date, "copm", "performance",
                                   _decimal(perf)))  # fmt: skip
            emit(schema.MEASURES, (episode_id, timepoint, date, "copm", "satisfaction",
                                   _decimal(sat)))  # fmt: skip
            for item in ("working", "managing_condition", "work_impact"):
                value = int(2 + r() * 6 + after * (1 + r() * 2.5))
                emit(schema.MEASURES, (episode_id, timepoint, date, "work_confidence", item,
                                       value if value < 10 else 10))  # fmt: skip
            emit(schema.MEASURES, (episode_id, timepoint, date, "health_use", "gp_visits",
                                   int(r() * (4 - 2 * after))))  # fmt: skip
            emit(schema.MEASURES, (episode_id, timepoint, date, "health_use",
                                   "outpatient_visits", int(r() * (5 - 2 * after))))  # fmt: skip
            emit(schema.MEASURES, (episode_id, timepoint, date, "health_use", "hospital_stays",
                                   1 if r() < 0.15 * (1 - after) else 0))  # fmt: skip

    def _open_wellbeing(self, episode_id, timepoint, date, severity, after) -> None:
        """PHQ-9, GAD-7 and WHO-5 at one timepoint, worse with severity, better after."""
        r = self.r
        emit = self.emit
        scale = 4 * (0.25 + 0.75 * severity) * (1.0 - 0.45 * after)
        for n in range(1, 10):
            # Item 9 (thoughts of self-harm) is answered above 0 by few.
            value = int(r() * scale + 0.3) if n < 9 else int(r() < 0.08 * severity)
            emit(schema.MEASURES, (episode_id, timepoint, date, "phq9", f"q{n}",
                                   value if value < 3 else 3))  # fmt: skip
        value = int(r() * scale)
        emit(schema.MEASURES, (episode_id, timepoint, date, "phq9", "difficulty",
                               value if value < 3 else 3))  # fmt: skip
        for n in range(1, 8):
            value = int(r() * scale + 0.6 - 0.3 * after)
            emit(schema.MEASURES, (episode_id, timepoint, date, "gad7", f"q{n}",
                                   value if value < 3 else 3))  # fmt: skip
        for n in range(1, 6):
            value = int(r() * 2.5 + 3.2 * (1.0 - severity) + 1.2 * after)
            emit(schema.MEASURES, (episode_id, timepoint, date, "who5", f"q{n}",
                                   value if value < 5 else 5))  # fmt: skip

    def _satisfaction(self, episode_id, discharge) -> None:
        date = self.iso[discharge - self.base]
        emit = self.emit
        r = self.r
        for item, value in (
            ("overall", self.pick_overall()),
            ("helpful", self.pick_helpful()),
            ("involved", self.pick_involved()),
            ("positive_impact", self.pick_impact()),
            ("recommend", 1 if r() < 0.99 else 0),
            ("use_again", 1 if r() < 0.99 else 0),
        ):
            emit(schema.MEASURES, (episode_id, "discharge", date, "satisfaction", item, value))


def _mod11(stem: str) -> int | None:
    """The Modulus 11 check digit of nine digits, or None when there is none (10)."""
    total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def _decimal(value: float) -> str:
    """One decimal place, written as the exporter writes numbers (``4``, not ``4.0``)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
