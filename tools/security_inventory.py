"""The public routes and the sudo() calls of the addons, against SECURITY.md.

    python3 tools/security_inventory.py routes    rows of the route table
    python3 tools/security_inventory.py sudo      rows of the sudo() table
    python3 tools/security_inventory.py --check   compare them with SECURITY.md

The rows printed hold what the code says (URL, methods, authentication, CSRF;
the functions calling sudo() and how many times); the other columns (rate
limit, what a route returns, the check guarding a sudo()) are left empty: they
are written by whoever adds the route or the call. A route overriding one of
Odoo (``@http.route()`` without arguments) is read from Odoo's source
($ODOO_SRC, else /opt/odoo, else the installed ``odoo`` package).

``--check`` fails (exit 1, listing them) when a route or a function calling
sudo() has no row in SECURITY.md, when a row names one that no longer exists,
when a row says other than the code (URL, methods, authentication, CSRF,
number of sudo() calls), has no guard written, or is out of order. Rows are
keyed by file and function, never by line: lines drift, functions stay.
"""

import ast
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = (
    "citizen_relation",
    "citizen_relation_franceconnect",
    "citizen_relation_portal",
    "citizen_relation_routing",
)
SECURITY_MD = ROOT / "SECURITY.md"
ROUTES_TITLE = "## Public routes"
SUDO_TITLE = "## sudo() in the code"
INHERITED = "(inherited)"
# a handler cell: "path/to/file.py `Class.function`"
HANDLER = re.compile(r"^([\w./-]+\.py)\s+`([\w.]+)`$")


def _sources():
    for addon in ADDONS:
        for path in sorted((ROOT / addon).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "tests" in relative.parts or "migrations" in relative.parts:
                continue
            yield relative, ast.parse(path.read_text(), filename=str(relative))


def _functions(tree):
    """(function node, its qualified name) of every function of the module."""
    found = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                found.append((child, f"{prefix}{child.name}"))
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return found


def _enclosing(functions, line):
    names = [
        (node.lineno, name)
        for node, name in functions
        if node.lineno <= line <= (node.end_lineno or node.lineno)
    ]
    return max(names)[1] if names else "-"


def _literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ast.unparse(node)


# ----------------------------------------------------------------------
# Routes overriding Odoo's: read from Odoo's source
# ----------------------------------------------------------------------


def _odoo_source():
    candidates = [os.environ.get("ODOO_SRC"), "/opt/odoo"]
    try:
        import odoo  # noqa: PLC0415 - optional: only to find its source

        candidates.append(str(Path(odoo.__file__).resolve().parent.parent))
    except ImportError:
        pass
    for candidate in candidates:
        if candidate and (Path(candidate) / "odoo" / "release.py").is_file():
            return Path(candidate)
    return None


def _module_file(module):
    """The file of a module of the addons or of Odoo, or None."""
    parts = module.split(".")
    if parts[0] in ADDONS:
        base, parts = ROOT, parts
    elif parts[:2] == ["odoo", "addons"]:
        source = _odoo_source()
        if not source:
            return None
        addon = parts[2] if len(parts) > 2 else ""
        base = source / "addons"
        if not (base / addon).is_dir():
            base = source / "odoo" / "addons"
        parts = parts[2:]
    else:
        return None
    path = base.joinpath(*parts)
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(tree, module):
    """{name: (module, attribute or None)} of the imports of a module."""
    names = {}
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.rsplit(".", node.level - 1)[0]
                source = f"{base}.{source}" if source else base
            for alias in node.names:
                names[alias.asname or alias.name] = (source, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name] = (alias.name, None)
    return names


def _route_decorator(function):
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) in (
            "http.route",
            "route",
        ):
            return decorator
    return None


def _find_route(module, class_name, method, depth=0):
    """The route decorator of ``method`` in ``class_name`` of ``module`` or of
    its bases, found in the source: (decorator, its file) or (None, None)."""
    path = _module_file(module)
    if not path or depth > 10:
        return None, None
    tree = ast.parse(path.read_text(), filename=str(path))
    imports = _imports(tree, module)
    classes = [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and node.name == class_name
    ]
    if not classes:
        # a name the module imports from elsewhere
        if class_name in imports:
            source, attribute = imports[class_name]
            return _find_route(source, attribute or class_name, method, depth + 1)
        return None, None
    for node in classes[0].body:
        if isinstance(node, ast.FunctionDef) and node.name == method:
            decorator = _route_decorator(node)
            if decorator is not None and (decorator.args or decorator.keywords):
                return decorator, path
    for base in classes[0].bases:
        found = _find_base_route(base, imports, module, method, depth)
        if found[0] is not None:
            return found
    return None, None


def _find_base_route(base, imports, module, method, depth):
    dotted = ast.unparse(base).split(".")
    if dotted[0] in imports:
        source, attribute = imports[dotted[0]]
        if attribute and len(dotted) == 1:
            return _find_route(source, attribute, method, depth + 1)
        target = f"{source}.{attribute}" if attribute else source
        if len(dotted) > 1:
            return _find_route(
                ".".join([target, *dotted[1:-1]]), dotted[-1], method, depth + 1
            )
        return None, None
    if len(dotted) == 1:
        return _find_route(module, dotted[0], method, depth + 1)
    return None, None


# ----------------------------------------------------------------------
# Inventory
# ----------------------------------------------------------------------


def _route_values(decorator, inherited=None):
    """URL list, methods, auth and CSRF said by a route decorator, completed
    by those of the route it overrides."""
    options = dict(inherited or {})
    if decorator.args:
        urls = _literal(decorator.args[0])
        options["urls"] = urls if isinstance(urls, list) else [urls]
    for keyword in decorator.keywords:
        value = _literal(keyword.value)
        options["urls" if keyword.arg == "route" else keyword.arg] = value
    return options


def _csrf(options):
    methods = {method.upper() for method in options.get("methods") or ["any"]}
    if options.get("type", "http") == "json":
        return "n/a (JSON)"
    if options.get("csrf") is False:
        return "off"
    if methods & {"POST", "ANY", "PUT", "DELETE", "PATCH"}:
        return "token (POST)"
    return "n/a (GET)"


def _inherited_options(path, tree, name):
    """Options of the Odoo route that ``name`` (Class.method) overrides."""
    class_name, method = name.rsplit(".", 1)
    module = ".".join(path.with_suffix("").parts)
    imports = _imports(tree, module)
    classes = [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and node.name == class_name
    ]
    for base in classes[0].bases if classes else []:
        decorator, _file = _find_base_route(base, imports, module, method, 0)
        if decorator is not None:
            return _route_values(decorator)
    return None


def routes():
    """[{file, function, line, urls, methods, auth, csrf}] of every route."""
    found = []
    for path, tree in _sources():
        for node, name in _functions(tree):
            decorator = _route_decorator(node)
            if decorator is None:
                continue
            inherited = None
            if not decorator.args:
                inherited = _inherited_options(path, tree, name) or {
                    "urls": [INHERITED],
                    "methods": [INHERITED],
                    "auth": INHERITED,
                    "csrf": INHERITED,
                }
            options = _route_values(decorator, inherited)
            methods = options.get("methods") or ["any"]
            found.append(
                {
                    "file": str(path),
                    "function": name,
                    "line": node.lineno,
                    "urls": options["urls"],
                    "methods": ", ".join(methods),
                    "auth": options.get("auth", "user"),
                    "csrf": (
                        options["csrf"]
                        if options.get("csrf") == INHERITED
                        else _csrf(options)
                    ),
                }
            )
    return found


def sudo_functions():
    """[{file, function, line, calls}] of every function calling sudo()."""
    found = {}
    for path, tree in _sources():
        functions = _functions(tree)
        starts = {name: node.lineno for node, name in functions}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "sudo"
            ):
                name = _enclosing(functions, node.lineno)
                entry = found.setdefault(
                    (str(path), name),
                    {
                        "file": str(path),
                        "function": name,
                        "line": starts.get(name, node.lineno),
                        "calls": [],
                    },
                )
                entry["calls"].append(node.lineno)
    for entry in found.values():
        entry["calls"].sort()
    return sorted(found.values(), key=lambda e: (e["file"], e["line"]))


def _route_row(route):
    return "| {} | {} | {} | {} |  |  | {} `{}` |".format(
        "<br>".join(f"`{url}`" for url in route["urls"]),
        route["methods"],
        route["auth"],
        route["csrf"],
        route["file"],
        route["function"],
    )


def _sudo_row(entry):
    return "| {} | `{}` | {} |  |".format(
        entry["file"], entry["function"], len(entry["calls"])
    )


# ----------------------------------------------------------------------
# SECURITY.md
# ----------------------------------------------------------------------


def _table_rows(text, title):
    """Cells of the rows of the first table after the heading ``title``,
    with their line numbers in the file."""
    lines = text.splitlines()
    try:
        start = lines.index(title)
    except ValueError:
        return None
    rows, in_table = [], False
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        if line.startswith("## "):
            break
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not in_table:
                in_table = True  # the header
                continue
            if set("".join(cells)) <= set("-: "):
                continue  # the separator
            rows.append((number, cells))
        elif in_table:
            break
    return rows


def _order_problems(name, kind, documented, in_code):
    """The first row out of order (by file, then line of the function)."""
    keys = [key for key in documented if key in in_code]
    expected = sorted(keys, key=lambda k: (k[0], in_code[k]["line"]))
    for found, wanted in zip(keys, expected, strict=True):
        if found != wanted:
            return [
                f"{name}:{documented[found]}: the {kind} rows are sorted by file,"
                f" then by line: {wanted[0]} `{wanted[1]}` comes here, before"
                f" {found[0]} `{found[1]}`"
            ]
    return []


def _keyed_rows(name, rows, kind, columns, key_of):
    """{key: (line number, cells)} of the rows of a table, and the problems
    of the rows that cannot be read (columns, key, duplicates)."""
    keyed, problems = {}, []
    for number, cells in rows:
        if len(cells) != columns:
            problems.append(f"{name}:{number}: a {kind} row has {columns} columns")
            continue
        key = key_of(cells)
        if key is None:
            problems.append(
                f"{name}:{number}: a {kind} row names its function as"
                " file.py `Class.method`"
            )
        elif key in keyed:
            problems.append(f"{name}:{number}: second row for {key[0]} `{key[1]}`")
        else:
            keyed[key] = (number, cells)
    return keyed, problems


def _route_key(cells):
    match = HANDLER.match(cells[6])
    return match.groups() if match else None


def _sudo_key(cells):
    match = re.fullmatch(r"`([\w.]+)`", cells[1])
    return (cells[0], match.group(1)) if match else None


def _route_cell_problems(name, number, key, cells, route):
    """What a route row says otherwise than the code, or leaves empty."""
    problems = []
    said = {
        "URL": (re.findall(r"`([^`]+)`", cells[0]), route["urls"]),
        "methods": (cells[1], route["methods"]),
        "auth": (cells[2], route["auth"]),
        "CSRF": (cells[3], route["csrf"]),
    }
    for column, (doc_value, code_value) in said.items():
        # an override whose Odoo route was not found is not compared
        if INHERITED not in str(code_value) and doc_value != code_value:
            problems.append(
                f"{name}:{number}: {column} of {key[0]} `{key[1]}` is"
                f" {code_value!r} in the code, {doc_value!r} in {name}"
            )
    for column, cell in (("rate limit", cells[4]), ("returns", cells[5])):
        if not cell:
            problems.append(
                f"{name}:{number}: {key[0]} `{key[1]}` has no '{column}' written"
            )
    return problems


def _sudo_cell_problems(name, number, key, cells, entry):
    """What a sudo() row says otherwise than the code, or leaves empty."""
    problems = []
    calls = entry["calls"]
    if cells[2] != str(len(calls)):
        problems.append(
            f"{name}:{number}: {key[0]} `{key[1]}` calls sudo() {len(calls)}"
            f" times (line {', '.join(map(str, calls))}), its row says"
            f" {cells[2]}: review the calls"
        )
    if not cells[3]:
        problems.append(f"{name}:{number}: {key[0]} `{key[1]}` has no guard written")
    return problems


def _check_table(name, rows, kind, in_code, spec):
    """Problems of one table against the code: ``spec`` is (columns, key of
    a row, problems of a row's cells, row to paste for a missing one)."""
    columns, key_of, cell_problems, row_of = spec
    keyed, problems = _keyed_rows(name, rows, kind, columns, key_of)
    for key, (number, cells) in keyed.items():
        found = in_code.get(key)
        if found is None:
            problems.append(
                f"{name}:{number}: {key[0]} `{key[1]}` has no {kind} in the code"
                " any more: remove or update its row"
            )
        else:
            problems += cell_problems(name, number, key, cells, found)
    for key, found in in_code.items():
        if key not in keyed:
            lines = found.get("calls") or [found["line"]]
            problems.append(
                f"{kind} without a row in {name}: {row_of(found)}"
                f"  (line {', '.join(map(str, lines))})"
            )
    documented = {key: number for key, (number, _cells) in keyed.items()}
    return problems + _order_problems(name, kind, documented, in_code)


def check(path=SECURITY_MD):
    """Problems of SECURITY.md against the code (empty when none)."""
    text = path.read_text()
    name = path.name
    problems = []
    tables = (
        (
            ROUTES_TITLE,
            "route",
            {(r["file"], r["function"]): r for r in routes()},
            (7, _route_key, _route_cell_problems, _route_row),
        ),
        (
            SUDO_TITLE,
            "sudo()",
            {(e["file"], e["function"]): e for e in sudo_functions()},
            (4, _sudo_key, _sudo_cell_problems, _sudo_row),
        ),
    )
    for title, kind, in_code, spec in tables:
        rows = _table_rows(text, title)
        if rows is None:
            problems.append(f"{name}: no '{title}' section")
            continue
        problems += _check_table(name, rows, kind, in_code, spec)
    return problems


def main(argv):
    if argv and argv[0] == "--check":
        path = Path(argv[1]) if len(argv) > 1 else SECURITY_MD
        problems = check(path)
        for problem in problems:
            print(problem)
        if problems:
            print(
                f"{len(problems)} finding(s): SECURITY.md must have one row per"
                " public route and per function calling sudo(), as the code is."
            )
            return 1
        print("SECURITY.md lists every route and every sudo() of the code.")
        return 0
    kind = argv[0] if argv else "sudo"
    if kind == "routes":
        rows = [_route_row(route) for route in routes()]
    elif kind == "sudo":
        rows = [_sudo_row(entry) for entry in sudo_functions()]
    else:
        print(__doc__)
        return 2
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
