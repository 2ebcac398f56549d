# A gradebook for a course: weighted categories, drop-lowest policy, late penalties,
# letter grades, curve, and a text report. (A longer, realistic program.)
import collections
import dataclasses
import datetime
import enum
import math
import statistics


class Category(enum.Enum):
    HOMEWORK = "homework"
    QUIZ = "quiz"
    EXAM = "exam"
    PROJECT = "project"


WEIGHTS = {Category.HOMEWORK: 0.25, Category.QUIZ: 0.15, Category.EXAM: 0.40, Category.PROJECT: 0.20}
DROP_LOWEST = {Category.HOMEWORK: 1, Category.QUIZ: 1}
LATE_PENALTY_PER_DAY = 0.10
LETTERS = [(93, "A"), (90, "A-"), (87, "B+"), (83, "B"), (80, "B-"), (77, "C+"), (73, "C"), (70, "C-"), (60, "D"), (0, "F")]


class GradebookError(Exception):
    pass


@dataclasses.dataclass
class Assignment:
    name: str
    category: Category
    points: float
    due: datetime.date


@dataclasses.dataclass
class Submission:
    student: str
    assignment: str
    score: float
    submitted: datetime.date
    excused: bool = False


@dataclasses.dataclass
class Student:
    name: str
    section: str
    submissions: dict = dataclasses.field(default_factory=dict)


class Gradebook:
    def __init__(self, course):
        self.course = course
        self.assignments = {}
        self.students = {}

    def add_assignment(self, a):
        if a.name in self.assignments:
            raise GradebookError(f"duplicate assignment {a.name}")
        self.assignments[a.name] = a

    def enrol(self, name, section):
        self.students[name] = Student(name, section)

    def submit(self, sub):
        if sub.student not in self.students:
            raise GradebookError(f"unknown student {sub.student}")
        a = self.assignments.get(sub.assignment)
        if a is None:
            raise GradebookError(f"unknown assignment {sub.assignment}")
        if not 0 <= sub.score <= a.points:
            raise GradebookError(f"{sub.student}/{a.name}: score {sub.score} outside 0..{a.points}")
        self.students[sub.student].submissions[a.name] = sub

    def fraction(self, student, a):
        sub = student.submissions.get(a.name)
        if sub is None:
            return 0.0
        if sub.excused:
            return None
        late_days = max((sub.submitted - a.due).days, 0)
        penalty = min(late_days * LATE_PENALTY_PER_DAY, 1.0)
        return sub.score / a.points * (1 - penalty)

    def category_scores(self, student):
        by_cat = collections.defaultdict(list)
        for a in self.assignments.values():
            f = self.fraction(student, a)
            if f is not None:
                by_cat[a.category].append(f)
        result = {}
        for cat, fracs in by_cat.items():
            fracs.sort()
            drop = DROP_LOWEST.get(cat, 0)
            kept = fracs[drop:] if len(fracs) > drop else fracs
            result[cat] = statistics.fmean(kept) * 100
        return result

    def final(self, student):
        scores = self.category_scores(student)
        total_weight = sum(WEIGHTS[c] for c in scores)
        return sum(WEIGHTS[c] * s for c, s in scores.items()) / total_weight

    def curve(self, finals, target_mean=82.0):
        mean = statistics.mean(finals.values())
        shift = max(target_mean - mean, 0)
        return {k: min(v + shift, 100.0) for k, v in finals.items()}, shift

    @staticmethod
    def letter(score):
        for cutoff, letter in LETTERS:
            if score >= cutoff:
                return letter
        return "F"

    def report(self):
        finals = {name: self.final(s) for name, s in self.students.items()}
        curved, shift = self.curve(finals)
        lines = [f"{self.course}: {len(self.students)} students, curve +{shift:.2f}"]
        for name in sorted(curved, key=lambda n: (-curved[n], n)):
            cats = self.category_scores(self.students[name])
            detail = " ".join(f"{c.value[:2]}={cats.get(c, math.nan):5.1f}" for c in Category)
            lines.append(f"  {name:<8}{self.students[name].section:>3} {finals[name]:6.2f} -> "
                         f"{curved[name]:6.2f} {self.letter(curved[name]):<2} | {detail}")
        by_section = collections.defaultdict(list)
        for name, v in curved.items():
            by_section[self.students[name].section].append(v)
        for sec, vals in sorted(by_section.items()):
            lines.append(f"  section {sec}: mean {statistics.mean(vals):.2f}, n={len(vals)}")
        dist = collections.Counter(self.letter(v)[0] for v in curved.values())
        lines.append("  distribution: " + ", ".join(f"{k}:{dist[k]}" for k in "ABCDF" if dist[k]))
        return "\n".join(lines)


gb = Gradebook("CS101")
d = datetime.date
for name, cat, pts, due in [("hw1", Category.HOMEWORK, 10, d(2024, 9, 10)), ("hw2", Category.HOMEWORK, 10, d(2024, 9, 17)),
                            ("hw3", Category.HOMEWORK, 10, d(2024, 9, 24)), ("q1", Category.QUIZ, 5, d(2024, 9, 12)),
                            ("q2", Category.QUIZ, 5, d(2024, 9, 26)), ("mid", Category.EXAM, 100, d(2024, 10, 8)),
                            ("final", Category.EXAM, 100, d(2024, 12, 10)), ("proj", Category.PROJECT, 50, d(2024, 11, 30))]:
    gb.add_assignment(Assignment(name, cat, pts, due))
for name, sec in [("amara", "A"), ("boris", "A"), ("chen", "B"), ("dana", "B"), ("eli", "B")]:
    gb.enrol(name, sec)
SCORES = {
    "amara": [10, 9, 10, 5, 4, 91, 88, 47],
    "boris": [6, 7, None, 3, 2, 64, 70, 35],
    "chen": [9, 10, 8, 4, 5, 78, 85, 44],
    "dana": [10, 10, 10, 5, 5, 97, 99, 50],
    "eli": [5, None, 7, 2, 3, 55, 61, 30],
}
order = list(gb.assignments)
for student, marks in SCORES.items():
    for aname, mark in zip(order, marks):
        if mark is None:
            continue
        a = gb.assignments[aname]
        late = 2 if (student, aname) in {("boris", "hw2"), ("eli", "proj")} else 0
        gb.submit(Submission(student, aname, mark, a.due + datetime.timedelta(days=late)))
gb.submit(Submission("eli", "hw2", 0, d(2024, 9, 17), excused=True))
for bad in [Submission("zed", "hw1", 5, d(2024, 9, 10)), Submission("amara", "q1", 6, d(2024, 9, 12)),
            Submission("amara", "hw9", 1, d(2024, 9, 12))]:
    try:
        gb.submit(bad)
    except GradebookError as e:
        print("rejected:", e)
print(gb.report())
