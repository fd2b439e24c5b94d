"""The second process of the PostgreSQL restart drill (RE-05): a caseworker's browser.

    python -m tests.core.drill_client BASE_URL USERNAME PASSWORD SECONDS OUT_FILE

Signs in, then for SECONDS registers a child through the registration form, again and again,
and asks /healthz between registrations. Each attempt is one JSON line in OUT_FILE: the name
sent, and what came back (a case's address, an HTTP status, or the connection error). A page
that fails is not retried: the drill checks that every attempt left a whole case or nothing.
"""

import datetime
import json
import random
import re
import sys
import time

import jdatetime
import requests

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_URL = re.compile(r"/cases/(\d+)/$")
LETTERS = "ابپتجچحخدرزسشصطعغفقکگلمنوهی"


def token(session, url):
    page = session.get(url, timeout=10)
    page.raise_for_status()
    return TOKEN.search(page.text).group(1)


def sign_in(session, base, username, password):
    """Retry while the server is still starting."""
    deadline = time.monotonic() + 60
    while True:
        try:
            csrf = token(session, f"{base}/accounts/login/")
            answer = session.post(
                f"{base}/accounts/login/",
                {"username": username, "password": password, "csrfmiddlewaretoken": csrf},
                timeout=10,
                allow_redirects=False,
            )
            if answer.status_code == 302:
                return
            raise RuntimeError(f"sign-in answered {answer.status_code}")
        except (requests.RequestException, AttributeError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def child(number, province, worker):
    name = "".join(random.choice(LETTERS) for _ in range(7))  # noqa: S311
    today = jdatetime.date.today().strftime("%Y/%m/%d")
    return name, {
        "given_name": name,
        "family_name": "آزمون",
        "father_name": "",
        "sex": "male" if number % 2 else "female",
        "birth_date": "1393/02/11",
        "nationality": "afghan",
        "documentation": "amayesh",
        "languages": ["dari"],
        "province": province,
        "city": "تهران",
        "consent_given_by": "guardian",
        "consent_given_by_name": "مادر",
        "consent_given_on": today,
        "consent_scope": ["record"],
        "assigned_to": worker,
        "confirm_not_duplicate": "on",
    }


def main(base, username, password, seconds, out_file, province, worker):
    session = requests.Session()
    sign_in(session, base, username, password)
    stop = time.monotonic() + float(seconds)
    number = 0
    with open(out_file, "w") as out:
        while time.monotonic() < stop:
            number += 1
            name, data = child(number, province, worker)
            line = {"n": number, "name": name, "at": datetime.datetime.now().isoformat()}
            try:
                data["csrfmiddlewaretoken"] = token(session, f"{base}/cases/register/")
                answer = session.post(
                    f"{base}/cases/register/", data, timeout=15, allow_redirects=False
                )
                found = CASE_URL.search(answer.headers.get("Location", ""))
                line["status"] = answer.status_code
                line["case"] = int(found.group(1)) if found else None
            except (requests.RequestException, AttributeError) as problem:
                line["error"] = type(problem).__name__
            try:
                line["health"] = session.get(f"{base}/healthz", timeout=5).status_code
            except requests.RequestException as problem:
                line["health"] = type(problem).__name__
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
            time.sleep(0.1)


if __name__ == "__main__":
    main(*sys.argv[1:])
