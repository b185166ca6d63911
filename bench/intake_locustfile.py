"""Locust users for ``bench/intake.py``: observers' phones sending checklists.

Not a benchmark on its own: ``bench/intake.py`` writes the configuration (device
tokens, stations, the form and valid answers) and runs locust on this file.
Every key the server acknowledged, every resend and every failed send is
written to a file per locust process, so the benchmark can count them against
the database afterwards.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from pathlib import Path

from locust import FastHttpUser, constant, constant_throughput, events, task

CONFIG = json.loads(Path(os.environ["POLLWATCH_BENCH_CONFIG"]).read_text())
OUT_DIR = Path(CONFIG["out_dir"])
_journal = None


def journal():
    """This process's record of what the clients saw; opened after locust forks."""
    global _journal
    if _journal is None:
        _journal = (OUT_DIR / f"clients-{os.getpid()}.tsv").open("a", encoding="utf-8")
    return _journal


@events.quitting.add_listener
def close_journal(**_):
    if _journal is not None:
        _journal.close()


def new_submission(stations: list[str]) -> dict:
    return {
        "key": str(uuid.uuid4()),
        "form": CONFIG["form"],
        "version": CONFIG["version"],
        "station": random.choice(stations),
        "answers": CONFIG["answers"] | {"turned_away": random.randint(0, 30)},
    }


def pacing():
    """Each client's sends per second; 0 sends again as soon as an answer arrives."""
    rate = CONFIG["sends_per_client_per_second"]
    return constant_throughput(rate) if rate else constant(0)


class Observer(FastHttpUser):
    """One phone, sending at its pace (or, unpaced, as soon as each answer arrives)."""

    wait_time = pacing()

    def on_start(self):
        device = random.choice(CONFIG["devices"])
        self.stations = device["stations"]
        self.headers = {
            "Authorization": f"Bearer {device['token']}",
            "Content-Type": "application/json",
        }
        self.acknowledged: list[tuple[str, int, str]] = []

    @task
    def send(self):
        if CONFIG["mode"] == "batch":
            self.send_batch()
        elif self.acknowledged and random.random() < CONFIG["resend_share"]:
            self.resend()
        else:
            self.send_one(new_submission(self.stations))

    def send_one(self, item: dict):
        body = json.dumps(item)
        with self.client.post(
            "/api/v1/submissions",
            data=body,
            headers=self.headers,
            name="submit",
            catch_response=True,
        ) as response:
            if response.status_code in (200, 201):
                receipt = response.json()
                journal().write(f"ack\t{item['key']}\t{receipt['id']}\t\n")
                self.acknowledged.append((item["key"], receipt["id"], body))
                response.success()
            else:
                journal().write(f"fail\t{item['key']}\t\t{body}\n")
                response.failure(f"status {response.status_code}")

    def resend(self):
        key, first_id, body = random.choice(self.acknowledged)
        with self.client.post(
            "/api/v1/submissions",
            data=body,
            headers=self.headers,
            name="resend",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and response.json()["id"] == first_id:
                journal().write(f"resend\t{key}\t{first_id}\t\n")
                response.success()
            elif response.status_code == 0 or response.status_code >= 500:
                # The connection broke (a worker was killed): the phone will send it again.
                journal().write(f"fail\t{key}\t\t{body}\n")
                response.failure(f"resend failed with status {response.status_code}")
            else:
                journal().write(f"resend-fail\t{key}\t{first_id}\t\n")
                response.failure(f"resend answered {response.status_code}, not the first receipt")

    def send_batch(self):
        items = [new_submission(self.stations) for _ in range(CONFIG["batch_size"])]
        with self.client.post(
            "/api/v1/submissions/batch",
            data=json.dumps({"submissions": items}),
            # A new connection per batch goes to whichever worker is free; one kept
            # alive stays with the worker that first took it, busy or not.
            headers=self.headers | {"Connection": "close"},
            name="batch",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                for item in items:
                    journal().write(f"fail\t{item['key']}\t\t{json.dumps(item)}\n")
                response.failure(f"status {response.status_code}")
                return
            results = response.json()["results"]
            for result in results:
                item = items[result["index"]]
                if result["result"] == "created":
                    journal().write(f"ack\t{item['key']}\t{result['receipt']['id']}\t\n")
                else:
                    journal().write(f"fail\t{item['key']}\t\t{json.dumps(item)}\n")
            response.success()
