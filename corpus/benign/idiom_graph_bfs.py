import collections


class Node:
    def __init__(self, label):
        self.label = label
        self.neighbors = []
        self.visited = False
        self._depth = None


def bfs(start):
    start.visited = True
    start._depth = 0
    queue = collections.deque([start])
    order = []
    while queue:
        node = queue.popleft()
        order.append((node.label, node._depth))
        for nb in node.neighbors:
            if not nb.visited:
                nb.visited = True
                nb._depth = node._depth + 1
                queue.append(nb)
    return order


nodes = {c: Node(c) for c in "abcdef"}
for a, b in ["ab", "ac", "bd", "ce", "ef"]:
    nodes[a].neighbors.append(nodes[b])
print(bfs(nodes["a"]))
