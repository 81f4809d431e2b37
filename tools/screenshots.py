"""Take the README's screenshots from the demo town, in French, at 1366x768.

Usage (from the repository root, after ``make run`` or ``make setup`` once):

    .venv/bin/python tools/screenshots.py [--db citizen_demo] [--update]
                                          [--out docs/screenshots] [--only NAME ...]

The script starts its own Odoo server on a free local port against the demo
database (created like ``make run`` does when it is missing; ``--update``
updates the three addons in it first), logs in as the demo users of the README,
drives a headless Chromium through the Chrome DevTools protocol and writes one
PNG per screen. It stops the server and the browser it started.
"""

import argparse
import base64
import hashlib
import http.server
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
ODOO_CONF = ROOT / ".build" / "odoo.conf"
MODULES = "citizen_relation,citizen_relation_routing,citizen_relation_portal"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WIDTH, HEIGHT = 1366, 768

# Backend pages are ready when the view is drawn and nothing is loading.
BACKEND_READY = (
    "!!document.querySelector('.o_action_manager .o_view_controller')"
    " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
)


def shot(name, user, path, ready, title, setup=None):
    return {
        "name": name,
        "user": user,
        "path": path,
        "ready": ready,
        "title": title,
        "setup": setup,
    }


# Fill the public form so that the screenshot shows a request being written.
FILL_PUBLIC_FORM = """
(() => {
    const set = (sel, value) => {
        const el = document.querySelector(sel);
        if (el) { el.value = value; el.dispatchEvent(new Event('change')); }
    };
    const radio = [...document.querySelectorAll('input[name=category_id]')].find(
        (el) => /nid de poule/i.test(el.labels[0] ? el.labels[0].textContent : '')
    );
    if (radio) { radio.checked = true; radio.dispatchEvent(new Event('change')); }
    set('[name=title]', 'Nid de poule devant le 12 rue des Lilas');
    set('[name=description]',
        'Un trou d\\'une vingtaine de centimètres sur la chaussée, '
        + 'dangereux pour les vélos.');
    set('[name=street]', '12 rue des Lilas');
    return true;
})()
"""


# Keep the technical teams of the town on the board: Odoo's own demo work orders
# (the IT team's laptops) are not the town's.
FILTER_TECHNICAL_TEAMS = """
(async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const input = document.querySelector('.o_searchview_input');
    for (const term of ['Régie', 'Atelier']) {
        input.focus();
        input.value = term;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await sleep(1000);
        const items = [...document.querySelectorAll('.o_searchview_autocomplete li')];
        const item = items.find((li) => /Équipe\s+pour/.test(li.textContent));
        if (!item) {
            return 'no team search for ' + term;
        }
        item.click();
        await sleep(1500);
    }
    input.blur();
    return 'ok';
})()
"""

# Look a citizen up at the counter, as an agent would type it.
FIND_CITIZEN = """
(async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const input = document.querySelector('div[name=search_term] input');
    input.focus();
    input.value = 'Dupont';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
    input.blur();
    await sleep(1500);
    return 'ok';
})()
"""

# Drop the pin on the form's map (as a click would), and bring the map into view.
PIN_ON_FORM_MAP = """
(async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const button = document.querySelector('.o_citizen_map_pin_centre');
    if (!button) {
        return 'no map on the form';
    }
    document.querySelector('.o_citizen_form_map_block').scrollIntoView();
    window.scrollBy(0, -200);
    button.click();
    await sleep(1500);
    return 'ok';
})()
"""

SCROLL_TO_CHATTER = """
(async () => {
    document.querySelector('.o-mail-Chatter').scrollIntoView();
    return 'ok';
})()
"""


def sql_value(db, sql):
    return subprocess.run(
        ["psql", "-d", db, "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def request_id(db, where, order="r.id"):
    """Id of the first demo request that matches ``where``."""
    found = sql_value(
        db,
        "SELECT r.id FROM citizen_request r"
        " LEFT JOIN res_users u ON u.id = r.user_id"
        " LEFT JOIN mail_message m ON m.model = 'citizen.request'"
        "  AND m.res_id = r.id"
        f" WHERE {where} GROUP BY r.id ORDER BY {order} LIMIT 1",
    )
    if not found:
        sys.exit(f"No demo request with {where} in {db}: update it (--update)")
    return int(found)


def screens(db):
    most_messages = "count(m.id) DESC, r.id"
    form_id = request_id(
        db, "u.login = 'karim.benali' AND r.team_id IS NOT NULL", most_messages
    )
    # an open request whose thread shows an email delivered to the citizen, and
    # no escalation yet (it would show the leader's note rather than the dialogue)
    chatter_id = request_id(
        db,
        "NOT r.is_closed AND r.id IN (SELECT res_id FROM mail_message"
        " WHERE model = 'citizen.request' AND body ILIKE '%Bonjour%')"
        " AND r.id NOT IN (SELECT res_id FROM mail_message"
        " WHERE model = 'citizen.request' AND body ~* 'missed its|not acknowledged')"
        " AND r.id NOT IN (SELECT m.res_id FROM mail_message m"
        " JOIN mail_notification n ON n.mail_message_id = m.id"
        " WHERE m.model = 'citizen.request'"
        " AND n.notification_status IN ('exception', 'bounce'))",
        most_messages,
    )
    portal_id = request_id(
        db,
        "r.partner_id = (SELECT partner_id FROM res_users"
        " WHERE login = 'marie.dupont')",
        most_messages,
    )
    action = "/odoo/action-citizen_relation.citizen_request_action"
    return [
        shot(
            "public-home",
            None,
            "/",
            "document.readyState === 'complete'"
            " && !!document.querySelector('.o_citizen_home h1')",
            "L'accueil du site de la commune",
        ),
        shot(
            "public-form",
            None,
            "/requests/new",
            "document.readyState === 'complete'"
            " && !!document.querySelector('form input[name=category_id]')",
            "Le formulaire public de signalement",
            setup=FILL_PUBLIC_FORM,
        ),
        shot(
            "public-form-map",
            None,
            "/requests/new",
            "document.readyState === 'complete'"
            " && !!document.querySelector('.o_citizen_form_map.leaflet-container')",
            "La carte du formulaire : l'épingle remplit les coordonnées",
            setup=PIN_ON_FORM_MAP,
        ),
        shot(
            "portal-list",
            "marie.dupont",
            "/my/requests",
            "document.readyState === 'complete' && !!document.querySelector('table')",
            "Le portail du citoyen : ses demandes",
        ),
        shot(
            "portal-request",
            "marie.dupont",
            f"/my/requests/{portal_id}",
            "document.readyState === 'complete' && !!document.querySelector('main')",
            "Le portail du citoyen : une demande",
        ),
        shot(
            "counter-entry",
            "sophie.martin",
            "/odoo/action-citizen_relation.citizen_request_quick_entry_action",
            "!!document.querySelector('div[name=search_term] input')"
            " && !document.querySelector('.o_loading_indicator, .o_blockUI')",
            "Saisie accueil / téléphone",
            setup=FIND_CITIZEN,
        ),
        shot(
            "agent-kanban",
            "karim.benali",
            action,
            BACKEND_READY + " && !!document.querySelector('.o_kanban_record')",
            "Les demandes d'un agent, par étape",
        ),
        shot(
            "agent-map",
            "nathalie.roux",
            f"{action}?view_type=citizen_map",
            BACKEND_READY + " && !!document.querySelector('.o_citizen_map_cluster')",
            "La carte du tableau : demandes et bons d'intervention",
        ),
        shot(
            "request-form",
            "karim.benali",
            f"{action}/{form_id}",
            BACKEND_READY + " && !!document.querySelector('.o_form_view')",
            "Une demande routée vers son équipe",
        ),
        shot(
            "request-chatter",
            "karim.benali",
            f"{action}/{chatter_id}",
            BACKEND_READY
            + " && !!document.querySelector('.o-mail-Chatter .o-mail-Message')",
            "Le fil de discussion d'une demande",
            setup=SCROLL_TO_CHATTER,
        ),
        shot(
            "manager-board",
            "nathalie.roux",
            "/odoo/action-citizen_relation_routing.maintenance_request_action_workload",
            BACKEND_READY + " && !!document.querySelector('.o_kanban_record')",
            "Services techniques › Plan de charge",
            setup=FILTER_TECHNICAL_TEAMS,
        ),
        shot(
            "channel-report",
            "nathalie.roux",
            "/odoo/action-citizen_relation.citizen_request_channel_report_action",
            BACKEND_READY + " && !!document.querySelector('.o_list_view .o_data_row,"
            " .o_pivot table, .o_graph_renderer canvas')",
            "Rapport d'égalité des canaux",
        ),
    ]


# ---------------------------------------------------------------------------
# Map tiles: the machine taking the screenshots may be offline, so the maps
# take their tiles from a local stand-in drawing a plain street-like plan
# (not a real place), credited as such on the screenshots.
# ---------------------------------------------------------------------------

TILE_PARAMS = {
    "citizen_relation_portal.map_tile_url": "{base}/{{z}}/{{x}}/{{y}}.png",
    "citizen_relation_portal.map_attribution": "Fond de plan fictif (captures d'écran)",
}
TILE = 256
BLOCK = 96  # pixels between two streets, at every zoom


def _noise(*values):
    digest = hashlib.sha256(":".join(map(str, values)).encode()).digest()
    return digest[0] / 255


def draw_tile(z, x, y):
    """A 256 px PNG of a town plan: blocks, streets continuing from tile to
    tile (drawn from the absolute pixel position), a few parks."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (TILE, TILE), (242, 239, 233))
    draw = ImageDraw.Draw(image)
    left, top = x * TILE, y * TILE
    first_col, first_row = left // BLOCK - 1, top // BLOCK - 1
    for col in range(first_col, first_col + TILE // BLOCK + 3):
        for row in range(first_row, first_row + TILE // BLOCK + 3):
            x0, y0 = col * BLOCK - left, row * BLOCK - top
            if _noise(z, col, row, "park") > 0.85:
                fill = (205, 235, 190)
            elif _noise(z, col, row, "built") > 0.5:
                fill = (224, 219, 211)
            else:
                continue
            draw.rectangle([x0 + 10, y0 + 10, x0 + BLOCK - 10, y0 + BLOCK - 10], fill)
    for col in range(first_col, first_col + TILE // BLOCK + 3):
        major = _noise(z, col, "col") > 0.75
        width = 10 if major else 6
        px = col * BLOCK - left
        draw.rectangle(
            [px - width // 2 - 1, 0, px + width // 2 + 1, TILE], (200, 196, 190)
        )
        draw.rectangle(
            [px - width // 2, 0, px + width // 2, TILE],
            (250, 236, 170) if major else (255, 255, 255),
        )
    for row in range(first_row, first_row + TILE // BLOCK + 3):
        major = _noise(z, row, "row") > 0.75
        width = 10 if major else 6
        py = row * BLOCK - top
        draw.rectangle(
            [0, py - width // 2 - 1, TILE, py + width // 2 + 1], (200, 196, 190)
        )
        draw.rectangle(
            [0, py - width // 2, TILE, py + width // 2],
            (250, 236, 170) if major else (255, 255, 255),
        )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class TileHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        try:
            z, x, y = (
                int(part)
                for part in self.path.strip("/").removesuffix(".png").split("/")
            )
        except ValueError:
            self.send_error(404)
            return
        body = draw_tile(z, x, y)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_tile_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TileHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def get_params(db, keys):
    out = subprocess.run(
        [
            "psql",
            "-d",
            db,
            "-tAc",
            "SELECT key, value FROM ir_config_parameter WHERE key IN ({})".format(
                ", ".join(f"'{key}'" for key in keys)
            ),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(line.split("|", 1) for line in out.stdout.splitlines() if "|" in line)


def set_params(db, values, previous):
    """Set the parameters ``values`` (None: remove); ``previous`` is what
    they were."""
    for key, value in values.items():
        quoted_key = key.replace("'", "''")
        if value is None:
            psql(db, f"DELETE FROM ir_config_parameter WHERE key = '{quoted_key}'")
            continue
        quoted = value.replace("'", "''")
        if key in previous:
            psql(
                db,
                f"UPDATE ir_config_parameter SET value = '{quoted}'"
                f" WHERE key = '{quoted_key}'",
            )
        else:
            psql(
                db,
                "INSERT INTO ir_config_parameter (key, value, create_date, write_date)"
                f" VALUES ('{quoted_key}', '{quoted}', now(), now())",
            )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(db, sql):
    return subprocess.run(
        ["psql", "-q", "-d", db, "-c", sql], check=True, capture_output=True
    )


def module_installed(db):
    out = subprocess.run(
        [
            "psql",
            "-d",
            db,
            "-tAc",
            "SELECT 1 FROM ir_module_module"
            " WHERE name = 'citizen_relation_portal' AND state = 'installed'",
        ],
        capture_output=True,
        text=True,
    )
    return out.returncode == 0 and out.stdout.strip() == "1"


def odoo_cmd(db, *args):
    return [
        str(VENV_PYTHON),
        str(Path(os.environ.get("ODOO_SRC", "/opt/odoo")) / "odoo-bin"),
        "-c",
        str(ODOO_CONF),
        "-d",
        db,
        f"--db-filter=^{db}$",
        "--max-cron-threads=0",
        *args,
    ]


def prepare_database(db, update):
    """Create the demo database as tools/run.sh does, or update its addons."""
    french = (
        "UPDATE res_partner SET lang = 'fr_FR';"
        " UPDATE res_company SET email = COALESCE(email, 'mairie@localhost')"
    )
    if not module_installed(db):
        print(f"Creating the demo database {db} (a few minutes, once)")
        subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)
        args = ["-i", MODULES, "--load-language=fr_FR"]
    elif update:
        print(f"Updating the addons in {db}")
        args = ["-u", MODULES]
    else:
        return
    subprocess.run(
        odoo_cmd(db, *args, "--stop-after-init", "--log-level=warn", "--http-port=0"),
        check=True,
        cwd=ROOT,
    )
    psql(db, french)


def start_odoo(db, port, log):
    proc = subprocess.Popen(
        odoo_cmd(
            db,
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            f"--gevent-port={free_port()}",
            "--log-level=warn",
        ),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"Odoo stopped at start (see {log.name})")
        try:
            if requests.get(f"http://127.0.0.1:{port}/web/login", timeout=5).ok:
                return proc
        except requests.RequestException:
            pass
        time.sleep(1)
    stop(proc)
    sys.exit(f"Odoo did not answer on port {port} (see {log.name})")


def stop(proc):
    if proc and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def login(base, db, user):
    """A session cookie for ``user`` (password = login in the demo town)."""
    if user is None:
        return None
    resp = requests.post(
        f"{base}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": db, "login": user, "password": user},
        },
        timeout=60,
    )
    resp.raise_for_status()
    if not (resp.json().get("result") or {}).get("uid"):
        sys.exit(f"Cannot log in as {user}: {resp.text[:300]}")
    return resp.cookies["session_id"]


class Browser:
    """Just enough of the Chrome DevTools protocol for screenshots."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="citizen-shots-")
        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--lang=fr-FR",
                f"--window-size={WIDTH},{HEIGHT}",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.time() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.time() > deadline or self.proc.poll() is not None:
                self.close()
                sys.exit(f"Chromium did not start ({CHROMIUM})")
            time.sleep(0.2)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as resp:
            pages = [t for t in json.load(resp) if t["type"] == "page"]
        self.ws = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.next_id = 0
        self.call("Page.enable")
        self.call("Network.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Emulation.setLocaleOverride", locale="fr-FR")
        self.call(
            "Network.setExtraHTTPHeaders", headers={"Accept-Language": "fr-FR,fr"}
        )

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        return result.get("result", {}).get("value")

    def set_session(self, base, session_id):
        self.call("Network.clearBrowserCookies")
        if session_id:
            self.call(
                "Network.setCookie",
                name="session_id",
                value=session_id,
                url=base,
                httpOnly=True,
            )

    def capture(self, url, ready, path, setup=None, timeout=60):
        self.call("Page.navigate", url=url)
        time.sleep(1)
        deadline = time.time() + timeout
        while not self.evaluate(
            f"(() => {{ try {{ return {ready}; }} catch (e) {{ return false; }} }})()"
        ):
            if time.time() > deadline:
                where = self.evaluate("document.location.href")
                raise RuntimeError(f"{url}: not ready after {timeout}s (at {where})")
            time.sleep(0.5)
        if setup:
            outcome = self.evaluate(setup)
            if outcome not in (True, "ok"):
                raise RuntimeError(f"{url}: {outcome}")
        # let fonts, images and animations settle
        time.sleep(2)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.ws.close()
        except Exception:  # pylint: disable=broad-except
            pass
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", default="citizen_demo")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument(
        "--update", action="store_true", help="update the addons in the database first"
    )
    parser.add_argument("--only", nargs="*", help="names of the screens to take")
    args = parser.parse_args()

    if not ODOO_CONF.exists():
        sys.exit("Run `make setup` (or `make run`) once first.")
    prepare_database(args.db, args.update)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(ROOT / ".build" / "screenshots.log", "w")  # noqa: SIM115
    server = browser = None
    tiles, tiles_url = start_tile_server()
    previous = get_params(args.db, TILE_PARAMS)
    set_params(
        args.db,
        {key: value.format(base=tiles_url) for key, value in TILE_PARAMS.items()},
        previous,
    )
    try:
        server = start_odoo(args.db, port, log)
        sessions = {}
        for screen in screens(args.db):
            if args.only and screen["name"] not in args.only:
                continue
            user = screen["user"]
            if user not in sessions:
                sessions[user] = login(base, args.db, user)
            # a fresh browser for each screen: no service worker nor tab of the
            # previous user is left to interfere
            browser = Browser()
            browser.set_session(base, sessions[user])
            target = out / f"{screen['name']}.png"
            browser.capture(
                base + screen["path"], screen["ready"], target, screen["setup"]
            )
            browser.close()
            browser = None
            print(f"{target.relative_to(ROOT)}  {screen['title']}")
    finally:
        if browser:
            browser.close()
        stop(server)
        log.close()
        set_params(
            args.db,
            {key: previous.get(key) for key in TILE_PARAMS},
            get_params(args.db, TILE_PARAMS),
        )
        tiles.shutdown()


if __name__ == "__main__":
    main()
