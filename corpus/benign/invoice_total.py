# ERP formula: invoice total with tax and a volume discount.
lines = [("widget", 12, 3.50), ("gadget", 3, 19.99), ("gizmo", 40, 0.75)]
subtotal = sum(qty * price for _, qty, price in lines)
discount = 0.05 if subtotal > 100 else 0.0
tax_rate = 0.2
net = subtotal * (1 - discount)
total = round(net * (1 + tax_rate), 2)
for name, qty, price in lines:
    print(f"{name:<8}{qty:>4} x {price:>6.2f} = {qty * price:>8.2f}")
print(f"subtotal {subtotal:.2f} discount {discount:.0%} total {total:.2f}")
