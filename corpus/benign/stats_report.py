# Exam statistics with the statistics module.
import statistics

scores = {"math": [72, 85, 90, 66, 85, 78, 95], "art": [88, 92, 79, 85, 91], "history": [55, 67, 70, 61, 80, 75]}
for subject, marks in scores.items():
    print(f"{subject:8} mean={statistics.mean(marks):6.2f} median={statistics.median(marks):5.1f} "
          f"stdev={statistics.stdev(marks):6.3f} mode={statistics.mode(marks)}")
everyone = [m for marks in scores.values() for m in marks]
print(statistics.quantiles(everyone, n=4))
print(round(statistics.pvariance(everyone), 4), statistics.median_low([1, 3, 5, 7]), statistics.median_high([1, 3, 5, 7]))
print(round(statistics.fmean([1.5, 2.5, 3.5]), 2), round(statistics.geometric_mean([1, 2, 4, 8]), 6), statistics.harmonic_mean([40, 60]))
nd = statistics.NormalDist(mu=70, sigma=10)
print(round(nd.cdf(85), 4), round(nd.inv_cdf(0.9), 3))
xs = [1, 2, 3, 4, 5]
ys = [2.1, 3.9, 6.2, 7.8, 10.1]
print(round(statistics.correlation(xs, ys), 5), [round(v, 4) for v in statistics.linear_regression(xs, ys)])
