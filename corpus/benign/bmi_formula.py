# A ten-line formula: body-mass index categories.
people = [("ana", 58, 1.64), ("bo", 92, 1.80), ("cy", 48, 1.70), ("di", 110, 1.75)]
def category(bmi):
    return "under" if bmi < 18.5 else "normal" if bmi < 25 else "over" if bmi < 30 else "obese"
for name, kg, m in people:
    bmi = kg / m ** 2
    print(f"{name}: {bmi:5.1f} {category(bmi)}")
