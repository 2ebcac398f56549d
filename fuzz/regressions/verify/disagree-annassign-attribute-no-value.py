# A small calculator: tokenizer, recursive-descent parser, evaluator with variables.
import math
import re

TOKEN = re.compile(r"\s*(?:(\d+\.?\d*)|([A-Za-z_]\w*)|(\*\*|[-+*/%(),=]))")


class CalcError(Exception):
    pass


class Num:
    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return f"Num({self.value})"


class Var:
    def __init__(self, name):
        self.name = name


class BinOp:
    def __init__(self, op, left, right):
        self.op = op
        self.left = left
        self.right = right


class Neg:
    def __init__(self, operand):
        self.operand = operand


class Call:
    def __init__(self, fname, args):
        self.fname : fname
        self.args = args


def tokenize(text):
    pos = 0
    out = []
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise CalcError(f"bad character at {pos}: {text[pos]!r}")
        number, name, op = m.groups()
        if number:
            out.append(("num", float(number)))
        elif name:
            out.append(("name", name))
        else:
            out.append(("op", op))
        pos = m.end()
    out.append(("end", None))
    return out


class Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self):
        return self.tokens[self.i]

    def take(self, kind=None, value=None):
        tok = self.tokens[self.i]
        if (kind and tok[0] != kind) or (value and tok[1] != value):
            raise CalcError(f"expected {value or kind}, got {tok[1]!r}")
        self.i += 1
        return tok

    def expr(self):
        node = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            node = BinOp(op, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in ("*", "/", "%"):
            op = self.take()[1]
            node = BinOp(op, node, self.unary())
        return node

    def unary(self):
        if self.peek() == ("op", "-"):
            self.take()
            return Neg(self.unary())
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek() == ("op", "**"):
            self.take()
            return BinOp("**", base, self.unary())
        return base

    def atom(self):
        kind, value = self.peek()
        if kind == "num":
            self.take()
            return Num(value)
        if kind == "name":
            self.take()
            if self.peek() == ("op", "("):
                self.take()
                args = [self.expr()]
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.expr())
                self.take("op", ")")
                return Call(value, args)
            return Var(value)
        if (kind, value) == ("op", "("):
            self.take()
            node = self.expr()
            self.take("op", ")")
            return node
        raise CalcError(f"unexpected {value!r}")


FUNCS = {"sqrt": math.sqrt, "max": max, "min": min, "abs": abs, "round": lambda x, n=0: round(x, int(n))}
OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
       "/": lambda a, b: a / b, "%": lambda a, b: a % b, "**": lambda a, b: a ** b}


def evaluate(node, env):
    match node:
        case Num(value=v):
            return v
        case Var(name=n):
            if n not in env:
                raise CalcError(f"unknown variable {n}")
            return env[n]
        case Neg(operand=o):
            return -evaluate(o, env)
        case BinOp(op=op, left=l, right=r):
            try:
                return OPS[op](evaluate(l, env), evaluate(r, env))
            except ZeroDivisionError:
                raise CalcError("division by zero") from None
        case Call(fname=f, args=args):
            if f not in FUNCS:
                raise CalcError(f"unknown function {f}")
            return FUNCS[f](*[evaluate(a, env) for a in args])


def run(line, env):
    tokens = tokenize(line)
    if len(tokens) > 2 and tokens[0][0] == "name" and tokens[1] == ("op", "="):
        target = tokens[0][1]
        p = Parser(tokens[2:])
        value = evaluate(p.expr(), env)
        p.take("end")
        env[target] = value
        return f"{target} = {value:g}"
    p = Parser(tokens)
    value = evaluate(p.expr(), env)
    p.take("end")
    return f"{value:g}"


env = {"pi": math.pi}
for line in ["1 + 2 * 3", "x = 2 ** 10", "x / 4 - -3", "r = 2", "pi * r ** 2", "sqrt(16) + max(1, 7, 3)",
             "(1 + 2) * (3 + 4) % 5", "10 / (5 - 5)", "y + 1", "2 $ 3", "round(2.567, 2)", "3 +"]:
    try:
        print(f"{line:26} => {run(line, env)}")
    except CalcError as e:
        print(f"{line:26} !! {e}")
