#!/usr/bin/env python3
"""A deterministic HOSTKEY catalogue for the import benchmark (presets/info shape,
/work/shared/reference/hostkey-api.md §5.1/5.2).

    python3 bench/catalogue.py [--seed 20261124] [--presets 400] [--reprice 0.05] > catalogue.json

Every preset is priced in NL, FI, DE, US, TR and RU (the import skips RU by
default), in EUR (about a third also in USD, RU also in RUB); 15 OS and 8 soft
with ids shared by all presets; 3 traffic plans per location. With --reprice F,
a seeded F of the presets get every monthly price raised by 7% (the same presets
for the same seed): the "prices changed" catalogue.
Prints {"presets": [...], "repriced": [ids]}, the body /_control/catalogue takes.
"""
import argparse
import json
import random
import sys

LOCATIONS = ["NL", "FI", "DE", "US", "TR", "RU"]
LOCATION_FACTOR = {"NL": 1.00, "FI": 0.97, "DE": 1.05, "US": 1.10, "TR": 0.92, "RU": 0.85}
# Share of the catalogue per group prefix, roughly HOSTKEY's public mix.
MIX = [("vm", 0.38), ("vds", 0.20), ("bm", 0.27), ("gpu", 0.10), ("vgpu", 0.05)]
OS_LIST = [
    (187, "Ubuntu 22.04", 0), (301, "Ubuntu 24.04", 0), (212, "Debian 12", 0), (213, "Debian 11", 0),
    (221, "AlmaLinux 9", 0), (222, "Rocky Linux 9", 0), (230, "CentOS Stream 9", 0), (240, "FreeBSD 14", 0),
    (250, "openSUSE Leap 15.5", 0), (260, "Oracle Linux 9", 0), (270, "Proxmox VE 8", 0),
    (243, "Windows Server 2022", 15), (244, "Windows Server 2019", 13), (245, "Windows Server 2025", 18),
    (280, "No OS", 0),
]
SOFT_LIST = [
    (20, "WordPress", "CMS", 0), (34, "Docker CE", "Container runtime", 0), (41, "cPanel", "Hosting panel", 22),
    (42, "Plesk Web Admin", "Hosting panel", 12), (50, "GitLab CE", "DevOps platform", 0),
    (55, "Nextcloud", "File sync", 0), (60, "ISPmanager 6 Lite", "Hosting panel", 6),
    (70, "Ollama + Open WebUI", "LLM stack", 0),
]
# Traffic plans per location: (name, EUR per month); ids differ per location and kind.
TRAFFIC_VIRTUAL = [("3 TB / 1 Gbps VM", 0), ("10 TB / 1 Gbps VM", 5), ("Unmetered 100 Mbps VM", 9)]
TRAFFIC_DEDICATED = [("1Gbps 50TB", 0), ("1Gbps unmetered", 100), ("10Gbps 100TB", 250)]
CPUS = {
    "vm": [("AMD EPYC 7543", 2.8), ("Intel Xeon Gold 6230R", 2.1)],
    "vds": [("AMD EPYC 9354", 3.25), ("AMD Ryzen 9 7950X", 4.5)],
    "bm": [("Intel Xeon E-2288G", 3.7), ("AMD EPYC 7302P", 3.0), ("2x Intel Xeon Gold 6248", 2.5),
           ("AMD Ryzen 9 5950X", 3.4)],
    "gpu": [("AMD EPYC 7413", 2.65), ("Intel Xeon W-2255", 3.7)],
    "vgpu": [("AMD EPYC 7543", 2.8)],
}
GPUS = {"gpu": ["1x RTX A5000", "2x RTX 4090", "1x A100 80GB", "4x RTX A4000", "1x H100"],
        "vgpu": ["RTX A4000 (vGPU)", "RTX 3090 (vGPU)", "A40 (vGPU)"]}
BASE_PRICE = {"vm": (3, 40), "vds": (10, 90), "bm": (40, 400), "gpu": (150, 1500), "vgpu": (50, 400)}


def money(value):
    return round(value + 1e-9, 2)


def preset(rng, prefix, index, preset_id):
    virtual = prefix in ("vm", "vds", "vgpu")
    cpu_name, ghz = rng.choice(CPUS[prefix])
    cpu = rng.choice([1, 2, 4, 8] if prefix == "vm" else [2, 4, 8, 16] if virtual else [6, 8, 16, 24, 32, 64])
    ram = cpu * rng.choice([1, 2, 4]) if virtual else rng.choice([32, 64, 128, 256, 512])
    hdd = rng.choice([30, 60, 120, 240, 480]) if virtual else rng.choice(["2x480", "2x960", "2x1920", "4x3840"])
    disk = f"{hdd} GB NVMe" if virtual else f"{hdd} GB SSD"
    gpu = rng.choice(GPUS[prefix]) if prefix in GPUS else ""
    name = f"{prefix}.{'v' if virtual else 'd'}{cpu}c{ram}g-{index:03d}"
    low, high = BASE_PRICE[prefix]
    base = rng.uniform(low, high)
    with_usd = rng.random() < 0.33
    price = {}
    for loc in LOCATIONS:
        eur = money(base * LOCATION_FACTOR[loc])
        price[loc] = {"EUR": eur}
        if with_usd:
            price[loc]["USD"] = money(eur * 1.08)
        if loc == "RU":
            price[loc]["RUB"] = money(eur * 98)
    os_price_factor = 1 if virtual else 2
    os_items = [{"id": i, "name": n, "price": {"EUR": p * os_price_factor, "USD": money(p * os_price_factor * 1.08)}}
                for i, n, p in OS_LIST]
    soft_items = [{"id": i, "name": n, "description": d, "price": {"EUR": p, "USD": money(p * 1.08)}}
                  for i, n, d, p in SOFT_LIST]
    plans = TRAFFIC_VIRTUAL if virtual else TRAFFIC_DEDICATED
    traffic = {}
    for li, loc in enumerate(LOCATIONS):
        first = 100 * (li + 1) + (0 if virtual else 50)
        traffic[loc] = [{"id": first + k, "name": n, "price": {"EUR": p, "USD": money(p * 1.08)}}
                        for k, (n, p) in enumerate(plans)]
    return {
        "id": preset_id, "name": name, "active": 1, "server_type": prefix, "virtual": 1 if virtual else 0,
        "cpu": cpu, "cpu_name": cpu_name, "cpu_ghz": ghz, "ram": ram, "hdd": hdd, "disk_type": disk,
        "gpu": gpu, "description": f"{cpu} {'vCPU' if virtual else 'cores'} / {ram} GB RAM / {disk}"
        + (f" / {gpu}" if gpu else ""),
        "locations": ",".join(LOCATIONS), "price": price, "OS": os_items, "soft": soft_items,
        "traffic_plans": traffic,
    }


def catalogue(seed, count):
    rng = random.Random(seed)
    counts = [int(round(share * count)) for _, share in MIX]
    counts[0] += count - sum(counts)
    ids = rng.sample(range(1000, 99999), count)
    presets = []
    index = 0
    for (prefix, _), n in zip(MIX, counts):
        for _ in range(n):
            presets.append(preset(rng, prefix, index, ids[index]))
            index += 1
    rng.shuffle(presets)
    return presets


def reprice(presets, seed, share):
    rng = random.Random(seed + 1)
    chosen = sorted(rng.sample(range(len(presets)), int(round(share * len(presets)))))
    for i in chosen:
        for by_currency in presets[i]["price"].values():
            for currency in by_currency:
                by_currency[currency] = money(by_currency[currency] * 1.07)
    return [presets[i]["id"] for i in chosen]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--presets", type=int, default=400)
    parser.add_argument("--reprice", type=float, default=0.0)
    args = parser.parse_args()
    presets = catalogue(args.seed, args.presets)
    repriced = reprice(presets, args.seed, args.reprice) if args.reprice > 0 else []
    json.dump({"presets": presets, "repriced": repriced}, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main()
