"""Locust users for ``bench/intake.py``: observers' phones sending checklists.

Not a benchmark on its own: ``bench/intake.py`` writes the configuration (device
tokens, stations, the form and valid answers) and runs locust on this file.
The users speak one channel per run: the JSON API (one submission or a batch
per request), OpenRosa as ODK Collect posts a finalised form, or a generic
SMS gateway forwarding observers' coded messages. Every key the server
acknowledged, every resend and every failed send is written to a file per
locust process, so the benchmark can count them against the database
afterwards.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid
from collections import deque
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, constant, constant_throughput, events, task
from openrosa_body import multipart
from sms import report_text

CONFIG = json.loads(Path(os.environ["POLLWATCH_BENCH_CONFIG"]).read_text())
OUT_DIR = Path(CONFIG["out_dir"])
_journal = None
# Each SMS or OpenRosa user takes the next device, so no two users share a phone.
_next_device = itertools.count()


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


class CountedUser(FastHttpUser):
    """A client that records how many sends it made, to show how evenly clients were served."""

    abstract = True
    sends = 0

    def on_stop(self):
        journal().write(f"sends\t{id(self)}\t{self.sends}\t\n")


class Observer(CountedUser):
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
        self.sends += 1
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


def next_device() -> dict:
    return CONFIG["devices"][next(_next_device) % len(CONFIG["devices"])]


def openrosa_key(team: int, instance_id: str) -> str:
    """The submission key the server derives from the instanceID, scoped to the team."""
    return str(uuid.uuid5(uuid.UUID(CONFIG["openrosa"]["namespace"]), f"team:{team}/{instance_id}"))


class CollectDevice(CountedUser):
    """ODK Collect on one observer's phone, sending each finalised form as it is saved."""

    wait_time = pacing()

    def on_start(self):
        device = next_device()
        self.token, self.team, self.stations = device["token"], device["team"], device["stations"]
        self.path = f"/odk/{self.token}/submission?deviceID=collect:bench{self.team}"
        self.acknowledged: list[tuple[str, bytes, str]] = []

    @task
    def send(self):
        self.sends += 1
        if self.acknowledged and random.random() < CONFIG["resend_share"]:
            key, body, content_type = random.choice(self.acknowledged)
            self.post(key, body, content_type, resend=True)
            return
        instance_id = f"uuid:{uuid.uuid4()}"
        xml = (
            CONFIG["openrosa"]["template"]
            .replace("BENCHINSTANCE", instance_id)
            .replace("BENCHSTATION", random.choice(self.stations))
            .replace("BENCHNUMBER", str(random.randint(0, 30)))
        )
        body, content_type = multipart(xml.encode("utf-8"))
        self.post(openrosa_key(self.team, instance_id), body, content_type, resend=False)

    def post(self, key: str, body: bytes, content_type: str, *, resend: bool):
        headers = {
            "X-OpenRosa-Version": "1.0",
            "Content-Type": content_type,
            "User-Agent": "org.odk.collect.android/v2024.3.2 Dalvik/2.1.0 (Linux; Android 13)",
        }
        with self.client.post(
            self.path,
            data=body,
            headers=headers,
            name="resend" if resend else "submit",
            catch_response=True,
        ) as response:
            accepted = response.status_code == 201 and b"submit_success" in (
                response.content or b""
            )
            if accepted and not resend:
                journal().write(f"ack\t{key}\t\t\n")
                self.acknowledged.append((key, body, content_type))
                response.success()
            elif accepted and b"Already received" in response.content:
                journal().write(f"resend\t{key}\t\t\n")
                response.success()
            elif not resend or response.status_code == 0 or response.status_code >= 500:
                record = {"channel": "openrosa", "token": self.token, "body": body.decode()}
                record["content_type"] = content_type
                journal().write(f"fail\t{key}\t\t{json.dumps(record)}\n")
                response.failure(f"status {response.status_code}")
            else:
                journal().write(f"resend-fail\t{key}\t\t\n")
                response.failure(f"resend answered {response.status_code}")


REF = re.compile(r"(\d+)\s*$")
RECENT_REPORTS = 50


def sms_key(message_id: str) -> str:
    """The submission key the server derives from the gateway's message id."""
    return str(uuid.uuid5(uuid.UUID(CONFIG["sms"]["namespace"]), f"generic:{message_id}"))


class SmsGateway(CountedUser):
    """A generic HTTP gateway forwarding the coded messages of one observer's phone.

    Besides new reports it delivers a share of repeats: the gateway retrying a
    delivery (same message id) or the observer sending the same text again (a
    new id); both must be answered with the first report's reference. A few
    reports are invalid (members present above the maximum), at most four a
    phone so that the throttle on failed messages never starts.
    """

    wait_time = pacing()

    def on_start(self):
        device = next_device()
        self.phone, self.stations = device["phone"], device["stations"]
        self.path = f"/hooks/sms/generic/{CONFIG['sms']['token']}/"
        self.headers = {"Content-Type": "application/x-www-form-urlencoded"}
        # An observer repeats a report they sent recently, not one from hours of messages ago.
        self.acknowledged: deque[tuple[str, str, str, str]] = deque(maxlen=RECENT_REPORTS)
        self.texts: set[str] = set()
        self.invalid_left = 4

    @task
    def send(self):
        self.sends += 1
        if self.acknowledged and random.random() < CONFIG["resend_share"]:
            self.repeat(*random.choice(self.acknowledged))
            return
        valid = self.invalid_left == 0 or random.random() >= CONFIG["sms"]["invalid_share"]
        text = report_text(random, random.choice(self.stations), valid=valid)
        if text in self.texts:
            return  # the same report again would rightly be a duplicate; draw another
        self.texts.add(text)
        message = {"sender": self.phone, "text": text, "id": f"bench-{uuid.uuid4()}"}
        if valid:
            self.deliver(message)
        else:
            self.invalid_left -= 1
            self.deliver_invalid(message)

    def post(self, message: dict, name: str):
        return self.client.post(
            self.path, data=urlencode(message), headers=self.headers, name=name, catch_response=True
        )

    def deliver(self, message: dict):
        key = sms_key(message["id"])
        with self.post(message, "submit") as response:
            answer = response.json() if response.status_code == 200 else {}
            if answer.get("status") == "accepted":
                ref = REF.search(answer["reply"]).group(1)
                journal().write(f"ack\t{key}\t{ref}\t\n")
                self.acknowledged.append((key, ref, message["id"], message["text"]))
                response.success()
            else:
                record = {"channel": "sms", **message}
                journal().write(f"fail\t{key}\t\t{json.dumps(record)}\n")
                response.failure(f"status {response.status_code} {answer.get('status')}")

    def deliver_invalid(self, message: dict):
        with self.post(message, "invalid") as response:
            answer = response.json() if response.status_code == 200 else {}
            if answer.get("status") == "invalid":
                journal().write(f"refused\t{sms_key(message['id'])}\t\t\n")
                response.success()
            else:
                response.failure(f"status {response.status_code} {answer.get('status')}")

    def repeat(self, key: str, ref: str, message_id: str, text: str):
        redelivery = random.random() < 0.5
        message_id = message_id if redelivery else f"bench-{uuid.uuid4()}"
        expected = "accepted" if redelivery else "duplicate"
        message = {"sender": self.phone, "text": text, "id": message_id}
        with self.post(message, "resend") as response:
            answer = response.json() if response.status_code == 200 else {}
            found = REF.search(answer.get("reply", ""))
            if answer.get("status") == expected and found and found.group(1) == ref:
                journal().write(f"resend\t{key}\t{ref}\t\n")
                response.success()
            elif response.status_code == 0 or response.status_code >= 500:
                record = {"channel": "sms", **message}
                journal().write(f"fail\t{key}\t\t{json.dumps(record)}\n")
                response.failure(f"resend failed with status {response.status_code}")
            else:
                journal().write(f"resend-fail\t{key}\t{ref}\t\n")
                response.failure(f"resend answered {answer}, not the first reference {ref}")
