# Custom exception classes, raise ... from, exception chaining, re-raise.
class AppError(Exception):
    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


class ConfigError(AppError):
    pass


class ValidationError(AppError):
    def __init__(self, field, problem):
        super().__init__(f"{field}: {problem}", code=2)
        self.field = field


def load_config(raw):
    config = {}
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        try:
            key, value = line.split("=")
        except ValueError as exc:
            raise ConfigError(f"line {lineno}: expected key=value") from exc
        config[key.strip()] = value.strip()
    return config


def validate(config):
    if "port" not in config:
        raise ValidationError("port", "missing")
    try:
        port = int(config["port"])
    except ValueError:
        raise ValidationError("port", "not an integer") from None
    if not 0 < port < 65536:
        raise ValidationError("port", f"{port} out of range")
    return port


for raw in ["host = a\nport = 8080", "host=a\nport = x", "# c\nport=70000", "oops", "host=b"]:
    try:
        print("port", validate(load_config(raw)))
    except ValidationError as e:
        print("invalid", e.field, e, e.code)
    except AppError as e:
        print("config error", e, e.args, e.code)
    finally:
        pass


def retry(fn, attempts):
    errors = []
    for i in range(attempts):
        try:
            return fn(i)
        except (KeyError, IndexError) as exc:
            errors.append(repr(exc))
    raise RuntimeError(f"gave up after {attempts}: {errors}")


print(retry(lambda i: [10, 20, 30][i + 1] if i else {}["k"], 3))
try:
    retry(lambda i: [][i], 2)
except RuntimeError as exc:
    print(exc)
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise
except ArithmeticError as e:
    print("re-raised", repr(e))
