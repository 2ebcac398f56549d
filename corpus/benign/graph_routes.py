# Shortest routes: Dijkstra with heapq, BFS with deque, topological sort.
import collections
import heapq

ROADS = [("A", "B", 7), ("A", "C", 9), ("A", "F", 14), ("B", "C", 10), ("B", "D", 15),
         ("C", "D", 11), ("C", "F", 2), ("D", "E", 6), ("E", "F", 9)]
graph = collections.defaultdict(dict)
for a, b, w in ROADS:
    graph[a][b] = w
    graph[b][a] = w


def dijkstra(src):
    dist = {src: 0}
    prev = {}
    pq = [(0, src)]
    seen = set()
    while pq:
        d, node = heapq.heappop(pq)
        if node in seen:
            continue
        seen.add(node)
        for nb, w in sorted(graph[node].items()):
            nd = d + w
            if nd < dist.get(nb, float("inf")):
                dist[nb] = nd
                prev[nb] = node
                heapq.heappush(pq, (nd, nb))
    return dist, prev


def path(prev, dst):
    out = [dst]
    while out[-1] in prev:
        out.append(prev[out[-1]])
    return "->".join(reversed(out))


def bfs_hops(src):
    hops = {src: 0}
    q = collections.deque([src])
    while q:
        n = q.popleft()
        for nb in sorted(graph[n]):
            if nb not in hops:
                hops[nb] = hops[n] + 1
                q.append(nb)
    return hops


def toposort(deps):
    indeg = {k: 0 for k in deps}
    for k, vs in deps.items():
        for v in vs:
            indeg[v] = indeg.get(v, 0) + 1
    ready = sorted(k for k, d in indeg.items() if d == 0)
    order = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for v in sorted(deps.get(n, ())):
            indeg[v] -= 1
            if indeg[v] == 0:
                ready.append(v)
                ready.sort()
    if len(order) != len(indeg):
        raise ValueError("cycle")
    return order


dist, prev = dijkstra("A")
for node in sorted(dist):
    print(node, dist[node], path(prev, node))
print(bfs_hops("A"))
print(toposort({"app": ["lib", "log"], "lib": ["core"], "log": ["core"], "core": []}))
try:
    toposort({"a": ["b"], "b": ["a"]})
except ValueError as e:
    print("error:", e)
