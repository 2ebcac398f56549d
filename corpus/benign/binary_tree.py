# Binary search tree with an iterator class (__iter__/__next__), __contains__, __len__.
class Node:
    def __init__(self, key, value):
        self.key = key
        self.value = value
        self.left = None
        self.right = None


class InorderIterator:
    def __init__(self, root):
        self.stack = []
        self.push_left(root)

    def push_left(self, node):
        while node is not None:
            self.stack.append(node)
            node = node.left

    def __iter__(self):
        return self

    def __next__(self):
        if not self.stack:
            raise StopIteration
        node = self.stack.pop()
        self.push_left(node.right)
        return node.key, node.value


class Tree:
    def __init__(self):
        self.root = None
        self.size = 0

    def insert(self, key, value=None):
        if self.root is None:
            self.root = Node(key, value)
            self.size = 1
            return
        node = self.root
        while True:
            if key == node.key:
                node.value = value
                return
            side = "left" if key < node.key else "right"
            child = node.left if side == "left" else node.right
            if child is None:
                if side == "left":
                    node.left = Node(key, value)
                else:
                    node.right = Node(key, value)
                self.size += 1
                return
            node = child

    def __contains__(self, key):
        node = self.root
        while node is not None:
            if key == node.key:
                return True
            node = node.left if key < node.key else node.right
        return False

    def __len__(self):
        return self.size

    def __iter__(self):
        return InorderIterator(self.root)

    def height(self, node="start"):
        if node == "start":
            node = self.root
        if node is None:
            return 0
        return 1 + max(self.height(node.left), self.height(node.right))


t = Tree()
for k in [50, 30, 70, 20, 40, 60, 80, 35, 45, 65]:
    t.insert(k, str(k * 2))
t.insert(40, "forty")
print(len(t), 35 in t, 36 in t, t.height())
print([k for k, _ in t])
print(dict(t)[40], list(zip(range(3), t)))
it = iter(t)
print(next(it), next(it), next(it, None))
