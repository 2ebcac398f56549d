"""A formula field (ERP/CRM): users type expressions, the application evaluates them."""
import pyverify

FIELDS = ["price", "qty", "discount"]


def save_formula(text):
    """When the user saves the field: reject what the policy does not allow, with positions."""
    report = pyverify.check(text, mode="expr", globals=FIELDS)
    return [f"{d.code} at {d.line}:{d.col}: {d.message}" for d in report.diagnostics]


def evaluate(text, row):
    """For each row: the expression's value, or None when it failed."""
    result = pyverify.run(text, mode="expr", inputs=row, timeout=1.0, cpu=0.5)
    if result.status != "ok":
        return None
    return result.result


print(save_formula("round(price * qty * (1 - discount), 2)"))
print(save_formula("price.__class__.__mro__"))
print(evaluate("round(price * qty * (1 - discount), 2)", {"price": 9.99, "qty": 3, "discount": 0.1}))
print(evaluate("max(price, 10) if qty > 2 else 0", {"price": 4.5, "qty": 3, "discount": 0}))
print(evaluate("10 ** 10 ** 10", {"price": 1, "qty": 1, "discount": 0}))
