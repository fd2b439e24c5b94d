"""Locust users for the load test: caseworkers, managers and ministry officers.

The plan (a JSON file named by KOODAK_LOAD_PLAN) gives each role's signed-in session cookies and
the pages to ask for; `bench/scenarios/load.py` writes it. Think time comes from KOODAK_THINK
("0.5,1.5" seconds between requests, or "0" for none: saturation).
"""

import json
import os
import random

from locust import FastHttpUser, between, constant, task

PLAN = json.loads(open(os.environ["KOODAK_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
THINK = [float(part) for part in os.environ.get("KOODAK_THINK", "0").split(",")]
WAIT = between(*THINK) if len(THINK) == 2 else constant(THINK[0])
# Addresses come from the plan (reverse() in the bench), so they follow the URL configuration.
URLS = PLAN["urls"]


class Signed(FastHttpUser):
    """geventhttpclient rather than requests: the generator shares the server's cores, and the
    cheaper client leaves more of them to the server it measures."""

    abstract = True
    wait_time = WAIT
    role = ""

    def on_start(self):
        session = random.choice(PLAN[self.role]["sessions"])  # noqa: S311
        self.headers = {"Cookie": f"{PLAN['cookie_name']}={session}; django_language=fa"}

    def page(self, path, name, params=None):
        with self.client.get(
            path, params=params, name=name, headers=self.headers, catch_response=True
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")


class Caseworker(Signed):
    """Most requests: the street worker's own pages."""

    weight = 6
    role = "caseworker"

    @task(3)
    def my_work(self):
        self.page(URLS["my_work"], "my work")

    @task(3)
    def search(self):
        term = random.choice(PLAN["search_terms"])  # noqa: S311
        self.page(URLS["case_list"], "case search", {"q": term})

    @task(4)
    def case_page(self):
        case = random.choice(PLAN["caseworker"]["case_ids"])  # noqa: S311
        self.page(URLS["case_page"].format(case), "case page")

    @task(1)
    def encounters(self):
        self.page(URLS["encounter_list"], "encounter list")


class Manager(Signed):
    weight = 3
    role = "manager"

    @task(2)
    def my_work(self):
        self.page(URLS["my_work"], "my work")

    @task(1)
    def dashboard(self):
        self.page(URLS["organisation_dashboard"], "organisation dashboard")

    @task(1)
    def hotspots(self):
        self.page(URLS["hotspots"], "hotspot summary")

    @task(2)
    def cases(self):
        self.page(URLS["case_list"], "case list")

    @task(1)
    def inbox(self):
        self.page(URLS["referral_inbox"], "referral inbox")


class Officer(Signed):
    weight = 1
    role = "officer"

    @task
    def dashboard(self):
        self.page(URLS["national_dashboard"], "ministry dashboard")
