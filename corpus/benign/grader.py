# Grader: score student submissions against expected answers, with partial credit.
EXPECTED = {"q1": 42, "q2": "paris", "q3": [1, 2, 3], "q4": 3.14}
WEIGHTS = {"q1": 2, "q2": 1, "q3": 3, "q4": 2}


class GradingError(Exception):
    """Raised when a submission is malformed."""


def grade_answer(question, answer):
    expected = EXPECTED[question]
    if isinstance(expected, float):
        return 1.0 if abs(answer - expected) < 0.01 else 0.0
    if isinstance(expected, list):
        if not isinstance(answer, list):
            raise GradingError(f"{question}: expected a list")
        hits = sum(1 for a, b in zip(answer, expected) if a == b)
        return hits / len(expected)
    if isinstance(expected, str):
        return 1.0 if str(answer).strip().lower() == expected else 0.0
    return 1.0 if answer == expected else 0.0


def grade(submission):
    total = 0.0
    report = []
    for q, w in WEIGHTS.items():
        if q not in submission:
            report.append(f"{q}: missing")
            continue
        try:
            credit = grade_answer(q, submission[q])
        except GradingError as exc:
            report.append(f"error {exc}")
            credit = 0.0
        total += credit * w
        report.append(f"{q}: {credit:.2f}")
    return total / sum(WEIGHTS.values()) * 100, report


submissions = {
    "alice": {"q1": 42, "q2": " Paris ", "q3": [1, 2, 3], "q4": 3.141},
    "bob": {"q1": 41, "q2": "London", "q3": [1, 0, 3]},
    "carol": {"q1": 42, "q2": "paris", "q3": "1,2,3", "q4": 3.0},
}
for student, sub in sorted(submissions.items()):
    score, report = grade(sub)
    print(f"{student:>6}: {score:6.2f}%  " + "; ".join(report))
