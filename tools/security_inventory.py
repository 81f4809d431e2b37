"""List the public routes and the sudo() calls of the addons, as the rows of
the tables of SECURITY.md, sorted by file and line.

    python3 tools/security_inventory.py routes
    python3 tools/security_inventory.py sudo

The guard column is left empty: it says in words what checks the route or the
call, and is written by whoever adds one. Compare the output with SECURITY.md
after a change: a row missing there is a route or a sudo() nobody reviewed.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("citizen_relation", "citizen_relation_portal", "citizen_relation_routing")


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


def routes():
    rows = []
    for path, tree in _sources():
        for node, name in _functions(tree):
            for decorator in node.decorator_list:
                if not (
                    isinstance(decorator, ast.Call)
                    and ast.unparse(decorator.func) in ("http.route", "route")
                ):
                    continue
                urls = _literal(decorator.args[0]) if decorator.args else "(same)"
                options = {kw.arg: _literal(kw.value) for kw in decorator.keywords}
                urls = urls if isinstance(urls, list) else [urls]
                methods = options.get("methods") or ["any"]
                if options.get("csrf") is False:
                    csrf = "off"
                elif {"POST", "any"} & set(methods) and options.get(
                    "type", "http"
                ) == "http":
                    csrf = "token (POST)"
                else:
                    csrf = "n/a (GET)"
                rows.append(
                    "| {} | {} | {} | {} |  |  | {}:{} `{}` |".format(
                        "<br>".join(f"`{url}`" for url in urls),
                        ", ".join(methods),
                        options.get("auth", "user"),
                        csrf,
                        path,
                        node.lineno,
                        name,
                    )
                )
    return rows


def sudo_calls():
    rows = []
    for path, tree in _sources():
        functions = _functions(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "sudo"
            ):
                function = _enclosing(functions, node.lineno)
                rows.append((str(path), node.lineno, function))
    return [
        f"| {path}:{line} | `{function}` |  |" for path, line, function in sorted(rows)
    ]


if __name__ == "__main__":
    kind = sys.argv[1] if len(sys.argv) > 1 else "sudo"
    print("\n".join(routes() if kind == "routes" else sudo_calls()))
