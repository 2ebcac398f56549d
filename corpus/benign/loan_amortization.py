# Loan amortization schedule (ERP finance formula).
principal = 25000.0
annual_rate = 0.049
years = 3
n = years * 12
r = annual_rate / 12
payment = principal * r / (1 - (1 + r) ** -n)
balance = principal
total_interest = 0.0
print(f"monthly payment: {payment:,.2f}")
for month in range(1, n + 1):
    interest = balance * r
    balance -= payment - interest
    total_interest += interest
    if month % 6 == 0 or month == 1:
        print(f"{month:>3} interest {interest:>8.2f} balance {max(balance, 0):>10,.2f}")
print(f"total interest {total_interest:,.2f}")
