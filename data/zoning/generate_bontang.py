#!/usr/bin/env python
"""Generate the SYNTHETIC RDTR plan package for part of Kota Bontang.

    python data/zoning/generate_bontang.py [--out data/zoning/bontang]

Everything here is invented: the coastline, rivers, roads, blocks, zoning, the
ITBX matrix and the intensity rules.  Only the names of the kecamatan and
kelurahan (and the province/city) are real.  The package is NOT a legal
document; it exists to test and demonstrate the rdtr software.

The script is deterministic (fixed seeds, sorted outputs, no clock values in
the outputs; the GeoPackage timestamps are pinned through OGR_CURRENT_DATE),
so re-running it reproduces the committed files byte for byte on the same
library versions (geopandas 1.2.0, pyogrio 0.13.0, shapely 2.2.0 / GEOS 3.14,
pyproj 3.7.2).

Construction, in short (all overlay operations run on a 0.01 m grid):
  1. plan area = an 8 x 8 km box (E 548,000-556,000, N 6,000-14,000, EPSG:9480)
     minus the sea east of a noisy coastline;
  2. linear / special layers are carved out in priority order (airport and port
     TR, arterial and collector roads BJ, rivers BA, mangrove EM, coastal and
     river-bank PS, green belt RTH-8, local roads BJ); each is cut into pieces
     by a 400 m grid;
  3. what remains are the blocks between roads; they are split recursively into
     sub-blocks and given sub-zones by plausible location rules;
  4. the pieces are re-noded and polygonized into an exact polygon coverage
     (shared edges have identical vertices), tiny slivers are merged into
     their longest-shared-edge neighbour;
  5. attributes (Permen ATR/BPN 14/2021 field names) are derived, and the
     result is checked: valid, MultiPolygon, no overlaps, no gaps, CRS 9480.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import shapely
import shapely.ops
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

GRID = 0.01  # metres: every output coordinate lies on this grid
EPSG = 9480  # SRGI2013 / UTM zone 50N
SEED = 20240501

X0, X1, Y0, Y1 = 548_000.0, 556_000.0, 6_000.0, 14_000.0
SEA_E = 557_500.0  # the sea polygon reaches this far east

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

SUBZONES = {
    # code: (sub-zone name, zone code, zone name)
    "BA": ("Badan Air", "BA", "Zona Badan Air"),
    "BJ": ("Badan Jalan", "BJ", "Zona Badan Jalan"),
    "C-1": ("Campuran Intensitas Tinggi", "C", "Zona Campuran"),
    "C-2": ("Campuran Intensitas Menengah", "C", "Zona Campuran"),
    "EM": ("Ekosistem Mangrove", "EM", "Zona Ekosistem Mangrove"),
    "IK-2": ("Perikanan Budi Daya", "IK", "Zona Perikanan"),
    "K-1": ("Perdagangan dan Jasa Skala Kota", "K", "Zona Perdagangan dan Jasa"),
    "K-2": ("Perdagangan dan Jasa Skala WP", "K", "Zona Perdagangan dan Jasa"),
    "K-3": ("Perdagangan dan Jasa Skala SWP", "K", "Zona Perdagangan dan Jasa"),
    "KPI": ("Kawasan Peruntukan Industri", "KPI", "Zona Kawasan Peruntukan Industri"),
    "KT": ("Perkantoran", "KT", "Zona Perkantoran"),
    "P-1": ("Tanaman Pangan", "P", "Zona Pertanian"),
    "PS": ("Perlindungan Setempat", "PS", "Zona Perlindungan Setempat"),
    "PTL": ("Pembangkitan Tenaga Listrik", "PTL", "Zona Pembangkitan Tenaga Listrik"),
    "R-2": ("Perumahan Kepadatan Tinggi", "R", "Zona Perumahan"),
    "R-3": ("Perumahan Kepadatan Sedang", "R", "Zona Perumahan"),
    "R-4": ("Perumahan Kepadatan Rendah", "R", "Zona Perumahan"),
    "RTH-1": ("Rimba Kota", "RTH", "Zona Ruang Terbuka Hijau"),
    "RTH-2": ("Taman Kota", "RTH", "Zona Ruang Terbuka Hijau"),
    "RTH-4": ("Taman Kelurahan", "RTH", "Zona Ruang Terbuka Hijau"),
    "RTH-7": ("Pemakaman", "RTH", "Zona Ruang Terbuka Hijau"),
    "RTH-8": ("Jalur Hijau", "RTH", "Zona Ruang Terbuka Hijau"),
    "SPU-1": ("Sarana Pelayanan Umum Skala Kota", "SPU", "Zona Sarana Pelayanan Umum"),
    "SPU-2": ("Sarana Pelayanan Umum Skala Kecamatan", "SPU", "Zona Sarana Pelayanan Umum"),
    "SPU-3": ("Sarana Pelayanan Umum Skala Kelurahan", "SPU", "Zona Sarana Pelayanan Umum"),
    "TR": ("Transportasi", "TR", "Zona Transportasi"),
}
LINDUNG_ZONES = {"BA", "HL", "PS", "RTH", "KS", "CB", "EM"}

# real kelurahan names, synthetic seed points (nearest seed wins)
KELURAHAN = [
    # (kecamatan, kelurahan, easting, northing)
    ("Bontang Utara", "Guntung", 553_000, 13_450),
    ("Bontang Utara", "Loktuan", 553_900, 12_350),
    ("Bontang Utara", "Gunung Elai", 552_300, 11_950),
    ("Bontang Utara", "Api-Api", 551_500, 11_050),
    ("Bontang Utara", "Bontang Baru", 552_750, 10_850),
    ("Bontang Utara", "Bontang Kuala", 553_950, 10_650),
    ("Bontang Barat", "Belimbing", 549_300, 12_900),
    ("Bontang Barat", "Gunung Telihan", 549_500, 10_900),
    ("Bontang Barat", "Kanaan", 548_900, 8_900),
    ("Bontang Selatan", "Satimpo", 550_900, 9_700),
    ("Bontang Selatan", "Tanjung Laut", 553_800, 9_450),
    ("Bontang Selatan", "Tanjung Laut Indah", 552_500, 8_800),
    ("Bontang Selatan", "Berbas Tengah", 551_300, 7_950),
    ("Bontang Selatan", "Berbas Pantai", 553_600, 7_750),
    ("Bontang Selatan", "Bontang Lestari", 550_300, 6_600),
]
SWP_OF_KECAMATAN = {"Bontang Utara": "I", "Bontang Selatan": "II", "Bontang Barat": "III"}

NONE_TEXT = "Tidak Ada"

KKOP_KKBK = "Kawasan Kemungkinan Bahaya Kecelakaan"
KKOP_APPR = "Kawasan Pendekatan dan Lepas Landas"
KKOP_TRANS = "Kawasan di Bawah Permukaan Transisi"

TPZ_TEXT = {
    "b": "Zona Bonus (insentif tambahan KLB dengan kompensasi penyediaan fasilitas publik)",
    "c": "Pengalihan Hak Membangun (Transfer of Development Rights/TDR)",
    "d": "Zona Pengendalian Pertumbuhan",
}

ITBX_CODES = {
    "T1": "Dibatasi paling banyak 20% dari luas persil",
    "T2": "Dibatasi jam operasional pukul 07.00-22.00 WITA",
    "T3": "Dibatasi jumlahnya: paling banyak 1 (satu) unit per blok atau berjarak paling sedikit 500 m dari kegiatan sejenis",
    "T4": "Dibatasi luas lantai kegiatan paling banyak 200 m2",
    "B1": "Wajib memperoleh persetujuan warga sekitar (RT/RW)",
    "B2": "Wajib memiliki dokumen lingkungan (UKL-UPL/AMDAL)",
    "B3": "Wajib menyediakan parkir di dalam persil",
    "B4": "Wajib memperoleh rekomendasi teknis instansi terkait (perhubungan, otoritas bandar udara atau balai wilayah sungai)",
}

# The legend's rule columns (conditions as rules): what a machine can check of each condition. T3 and B3
# stay text only (a count per block or a distance to similar activities; parking): an officer reviews them.
ITBX_RULE_COLUMNS = ["max_footprint_share_pct", "max_floor_area_m2", "hours", "requires"]
ITBX_CODE_RULES = {
    "T1": {"max_footprint_share_pct": "20"},
    "T2": {"hours": "07:00-22:00"},
    "T4": {"max_floor_area_m2": "200"},
    "B1": {"requires": "persetujuan warga sekitar"},
    "B2": {"requires": "UKL-UPL"},
    "B4": {"requires": "rekomendasi teknis"},
}

# sub-zone groups usable in the ITBX spec strings
ITBX_GROUPS = {
    "R": ["R-2", "R-3", "R-4"],
    "K": ["K-1", "K-2", "K-3"],
    "C": ["C-1", "C-2"],
    "SPU": ["SPU-1", "SPU-2", "SPU-3"],
    "RTH": ["RTH-1", "RTH-2", "RTH-4", "RTH-7", "RTH-8"],
    "LND": ["EM", "PS", "BA"],
}

# (code, activity, kbli, group, spec); every cell not named in spec is X.
# spec: space-separated "TARGET:CELL", TARGET a group above or a sub-zone code;
# later tokens override earlier ones.  KBLI codes are illustrative (KBLI 2020
# style), not verified against the official list.
ACTIVITIES = [
    # Perumahan
    ("A001", "Rumah Tunggal", "", "Perumahan", "R:I C-2:I C-1:T1 K-3:T1 P-1:T3,B1 IK-2:T3,B1"),
    ("A002", "Rumah Kopel", "", "Perumahan", "R:I R-4:T1 C:I K-3:T1"),
    ("A003", "Rumah Deret", "", "Perumahan", "R-2:I R-3:I R-4:T1,B1 C:I K-2:T1 K-3:T1"),
    ("A004", "Rumah Susun", "", "Perumahan", "R-2:I R-3:T1,B1,B3 C-1:I C-2:T1,B3 K:T1,B3"),
    ("A005", "Asrama", "", "Perumahan", "R:T1,B1 C:I SPU:T1 KT:T1 KPI:T1,B2"),
    ("A006", "Rumah Kos", "55900", "Perumahan", "R-2:T1,B1 R-3:T1,B1 R-4:T1,B1,B3 C:I K:T1"),
    ("A007", "Rumah Dinas", "", "Perumahan", "R:I C:I KT:T1 SPU:T1 KPI:T1 PTL:T1"),
    ("A008", "Panti Sosial", "87301", "Perumahan", "R:T3,B1 C:T3 SPU:I"),
    # Perdagangan dan Jasa
    ("B001", "Toko", "", "Perdagangan dan Jasa", "R-2:T1,T2 R-3:T1,T2 R-4:T1,T2,B1 K:I C:I KT:T1 SPU:T1 KPI:T1 TR:T1"),
    ("B002", "Warung", "", "Perdagangan dan Jasa", "R:T1 K:I C:I KT:T1 SPU:T1 RTH-2:T1,T3 RTH-4:T1,T3 KPI:T1 TR:T1 P-1:T1 IK-2:T1"),
    ("B003", "Minimarket", "47112", "Perdagangan dan Jasa", "R-2:T1,T2,T3 R-3:T1,T2,T3 K:I C:I KT:T1 TR:T1 KPI:T1"),
    ("B004", "Supermarket", "47111", "Perdagangan dan Jasa", "K-1:I K-2:I K-3:T3,B3 C-1:I C-2:T3,B3"),
    ("B005", "Pusat Perbelanjaan", "47191", "Perdagangan dan Jasa", "K-1:B2,B3 K-2:B2,B3 C-1:T3,B2,B3"),
    ("B006", "Pasar Tradisional", "", "Perdagangan dan Jasa", "K-1:B1,B2,B3 K-2:I K-3:I C:B1,B3 SPU-2:B1,B3 SPU-3:B1,B3"),
    ("B007", "Toko Bahan Bangunan", "47524", "Perdagangan dan Jasa", "K:I C:T1,B3 R-3:T1,B1 R-4:T1,B1 KPI:I"),
    ("B008", "Ruang Pamer Kendaraan", "45102", "Perdagangan dan Jasa", "K-1:I K-2:I K-3:T3 C-1:T1,B3"),
    ("B009", "SPBU", "47300", "Perdagangan dan Jasa", "K:B2,B3,B4 C-1:B2,B4 KPI:B2 TR:B2,B4 R-4:T3,B1,B2"),
    ("B010", "Bengkel Kendaraan", "45201", "Perdagangan dan Jasa", "K:I C:T1,T2 R-3:T1,B1 R-4:T1,B1 KPI:I TR:T1"),
    ("B011", "Bengkel Sepeda Motor", "45405", "Perdagangan dan Jasa", "K:I C:I R:T1,T2,B1 KPI:I TR:T1"),
    ("B012", "Restoran", "56101", "Perdagangan dan Jasa", "K:I C:I KT:T1 R-2:T1,T2 R-3:T1,T2,B1 SPU-1:T1 TR:T1 KPI:T1 RTH-2:T1,T3"),
    ("B013", "Warung Makan", "56102", "Perdagangan dan Jasa", "K:I C:I KT:T1 R:T1,T2 SPU:T1 TR:T1 KPI:T1 RTH-2:T1,T3 RTH-4:T1,T3 IK-2:T1"),
    ("B014", "Kafe", "56303", "Perdagangan dan Jasa", "K:I C:I KT:T1 R-2:T1,T2,B1 R-3:T1,T2,B1 RTH-2:T1,T2,T3 TR:T1"),
    ("B015", "Jasa Boga (Katering)", "56210", "Perdagangan dan Jasa", "K:I C:I R:T1,B1 KPI:I"),
    ("B016", "Hotel", "55110", "Perdagangan dan Jasa", "K-1:I K-2:I K-3:B2,B3 C-1:I C-2:B2,B3 TR:T3,B2"),
    ("B017", "Hotel Melati", "55120", "Perdagangan dan Jasa", "K:I C:I R-2:T3,B1,B3 R-3:T3,B1,B3 TR:T1"),
    ("B018", "Pondok Wisata (Homestay)", "55130", "Perdagangan dan Jasa", "R:T1,B1 K:I C:I IK-2:T1,B1 P-1:T1,B1"),
    ("B019", "Bank", "64121", "Perdagangan dan Jasa", "K:I C:I KT:I SPU-1:T1 KPI:T1 R-2:T3,B3"),
    ("B020", "Anjungan Tunai Mandiri (ATM)", "", "Perdagangan dan Jasa", "K:I C:I KT:I SPU:I R:T1 TR:I KPI:I RTH-2:T1"),
    ("B021", "Salon Kecantikan", "96112", "Perdagangan dan Jasa", "K:I C:I R:T1,T2 KT:T1"),
    ("B022", "Binatu (Laundry)", "96200", "Perdagangan dan Jasa", "K:I C:I R:T1,T2,B1 KPI:I"),
    ("B023", "Bioskop", "59140", "Perdagangan dan Jasa", "K-1:B3 K-2:B3 C-1:B1,B3"),
    ("B024", "Gedung Pertemuan", "", "Perdagangan dan Jasa", "K:I C:I KT:T1,B3 SPU-1:I SPU-2:T1,B3 R-2:T3,B1,B3"),
    ("B025", "Tempat Hiburan Malam", "", "Perdagangan dan Jasa", "K-1:T2,B1,B3 K-2:T2,B1,B3"),
    ("B026", "Kantor Swasta", "70100", "Perdagangan dan Jasa", "KT:I K:I C:I R-2:T1,B1 R-3:T1,B1 KPI:I TR:T1 PTL:T1"),
    # Perkantoran dan pelayanan pemerintahan
    ("C001", "Kantor Pemerintahan", "", "Perkantoran", "KT:I SPU:I C:I K:T1 KPI:T1 TR:T1 R:T3"),
    ("C002", "Kantor Pos dan Jasa Kurir", "53100", "Perkantoran", "KT:I K:I C:I SPU:I R:T1"),
    ("C003", "Kantor Kepolisian", "", "Perkantoran", "KT:I SPU:I K:T1 C:T1 R:T1,B1 TR:T1 KPI:T1"),
    ("C004", "Pos Pemadam Kebakaran", "", "Perkantoran", "SPU:I KT:I K:T1 C:T1 R:T3 KPI:I TR:I"),
    # Sarana pendidikan
    ("D001", "Taman Kanak-Kanak", "85112", "Sarana Pendidikan", "SPU:I R:T1,B1 C:T1 K:T3"),
    ("D002", "Sekolah Dasar", "85122", "Sarana Pendidikan", "SPU:I R:T3,B3 C:T3,B3 K-3:T3,B3"),
    ("D003", "SMP", "85132", "Sarana Pendidikan", "SPU:I R-2:T3,B3 R-3:T3,B3 R-4:T3,B1,B3 C:T3,B3"),
    ("D004", "SMA", "85212", "Sarana Pendidikan", "SPU-1:I SPU-2:I SPU-3:T3 R:T3,B1,B3 C:T3,B3 K:T3,B3"),
    ("D005", "SMK", "85222", "Sarana Pendidikan", "SPU-1:I SPU-2:I SPU-3:T3 R:T3,B1,B3 C:T3,B3 K:T3,B3 KPI:T1"),
    ("D006", "Perguruan Tinggi", "", "Sarana Pendidikan", "SPU-1:I SPU-2:B2,B3 C-1:T3,B2,B3 K-1:T3,B2,B3 KT:T1"),
    ("D007", "Pondok Pesantren", "", "Sarana Pendidikan", "SPU:I R-3:B1,B3 R-4:B1 C-2:B1,B3"),
    ("D008", "Lembaga Kursus dan Pelatihan", "85499", "Sarana Pendidikan", "K:I C:I KT:I SPU:I R:T1,T2"),
    ("D009", "Perpustakaan", "91011", "Sarana Pendidikan", "SPU:I KT:I K:I C:I R:T1 RTH-2:T1"),
    # Sarana kesehatan
    ("E001", "Rumah Sakit", "86103", "Sarana Kesehatan", "SPU-1:B2,B3 SPU-2:B2,B3 C-1:T3,B2,B3 K-1:T3,B2,B3 KPI:T1,B2"),
    ("E002", "Puskesmas", "86105", "Sarana Kesehatan", "SPU:I R:T3 C:I K:T1 KT:T1"),
    ("E003", "Klinik", "", "Sarana Kesehatan", "SPU:I K:I C:I R:T1,T3,B1 KT:T1 KPI:I"),
    ("E004", "Praktik Dokter", "", "Sarana Kesehatan", "SPU:I K:I C:I R:I KT:T1"),
    ("E005", "Apotek", "47721", "Sarana Kesehatan", "K:I C:I SPU:I R:T1,T3 KT:T1"),
    ("E006", "Laboratorium Kesehatan", "", "Sarana Kesehatan", "SPU:I K:T1,B2 C:T1,B2 KT:T1,B2"),
    ("E007", "Klinik Hewan", "75000", "Sarana Kesehatan", "K:I C:T1 R-3:T1,B1 R-4:T1,B1 SPU:T1"),
    # Sarana peribadatan
    ("F001", "Masjid", "", "Sarana Peribadatan", "SPU:I R:I C:I K:T1 KT:T1 KPI:T1 TR:T1 RTH-2:T1,T3"),
    ("F002", "Musala", "", "Sarana Peribadatan", "R:I SPU:I C:I K:I KT:I KPI:I TR:I PTL:I RTH-2:T1 RTH-4:T1"),
    ("F003", "Gereja", "", "Sarana Peribadatan", "SPU:I R:T3,B1 C:T3,B1 K:T1"),
    ("F004", "Pura", "", "Sarana Peribadatan", "SPU:I R:T3,B1 C:T3,B1 K:T1"),
    ("F005", "Vihara", "", "Sarana Peribadatan", "SPU:I R:T3,B1 C:T3,B1 K:T1"),
    # Ruang terbuka, olahraga dan lingkungan
    ("G001", "Taman Bermain", "", "Ruang Terbuka", "RTH-2:I RTH-4:I RTH-8:T1 R:I C:I SPU:I K:T1 KT:T1"),
    ("G002", "Lapangan Olahraga", "", "Ruang Terbuka", "RTH-2:I RTH-4:I SPU:I R:T1 C:T1 KPI:T1"),
    ("G003", "Gelanggang Olahraga", "93111", "Ruang Terbuka", "SPU-1:I SPU-2:B3 K-1:B3 C-1:B3"),
    ("G004", "Pemakaman Umum", "96031", "Ruang Terbuka", "RTH-7:I"),
    ("G005", "Hutan Kota", "", "Ruang Terbuka", "RTH-1:I RTH-2:I RTH-4:I RTH-8:I EM:T1 PS:I SPU:T1 KPI:T1"),
    ("G006", "Rehabilitasi Mangrove", "", "Ruang Terbuka", "EM:I PS:I BA:T1 RTH-8:I IK-2:I"),
    ("G007", "Ekowisata Mangrove", "", "Ruang Terbuka", "EM:T1,B2 PS:T1,B1 RTH-1:T1 IK-2:T1,B1"),
    ("G008", "Jalur Pejalan Kaki", "", "Ruang Terbuka", "BJ:I RTH-8:T1 RTH-2:I RTH-4:I PS:T1 K:I C:I R:I SPU:I KT:I KPI:I TR:I"),
    ("G009", "Wisata Pantai", "", "Ruang Terbuka", "PS:T1,B1 EM:T1,B2 K-1:I K-2:I C-1:I"),
    # Industri dan pergudangan
    ("H001", "Industri Pupuk", "20121", "Industri dan Pergudangan", "KPI:B2"),
    ("H002", "Industri Kimia Dasar", "20111", "Industri dan Pergudangan", "KPI:B2"),
    ("H003", "Kilang Gas Alam Cair (LNG)", "", "Industri dan Pergudangan", "KPI:B2,B4"),
    ("H004", "Industri Pengolahan Ikan", "10213", "Industri dan Pergudangan", "KPI:I IK-2:T1,B2"),
    ("H005", "Industri Roti dan Kue", "10710", "Industri dan Pergudangan", "KPI:I K:T1 C:T1 R:T1,T4,B1"),
    ("H006", "Industri Kerajinan Rumah Tangga", "", "Industri dan Pergudangan", "R:T1,T4 C:T1 K:I KPI:I"),
    ("H007", "Industri Furnitur Kayu", "31001", "Industri dan Pergudangan", "KPI:I K-3:T1,B1,B2 R-4:T1,T4,B1"),
    ("H008", "Galangan Kapal", "30111", "Industri dan Pergudangan", "KPI:B2 TR:B2,B4"),
    ("H009", "Pergudangan", "52101", "Industri dan Pergudangan", "KPI:I TR:I K-1:T1,B3 K-3:T1,B3 C-2:T1,B3"),
    ("H010", "Depo Bahan Bakar Minyak", "", "Industri dan Pergudangan", "KPI:B2,B4 TR:B2,B4"),
    # Transportasi
    ("J001", "Jalan", "", "Transportasi", "BJ:I R:I K:I C:I KT:I SPU:I KPI:I TR:I PTL:I RTH:T1 P-1:T1 IK-2:T1 PS:T1,B4 EM:T1,B2,B4 BA:B2,B4"),
    ("J002", "Jembatan", "", "Transportasi", "BJ:I BA:B2,B4 PS:T1,B4 EM:B2,B4"),
    ("J003", "Halte", "", "Transportasi", "BJ:T1 K:I C:I SPU:I KT:I R:I TR:I KPI:I RTH-8:T1"),
    ("J004", "Parkir", "52219", "Transportasi", "K:I C:I KT:I SPU:I TR:I KPI:I R:T1,B1 BJ:T1,T2,B4"),
    ("J005", "Terminal Penumpang", "52211", "Transportasi", "TR:I K-1:B3,B4 SPU-1:B3,B4"),
    ("J006", "Dermaga", "52221", "Transportasi", "TR:I KPI:B2,B4 IK-2:T1,B2 EM:T1,B2,B4 PS:T1,B4 BA:T1,B4"),
    ("J007", "Bandar Udara", "52231", "Transportasi", "TR:B2,B4"),
    ("J008", "Tempat Pelelangan Ikan", "", "Transportasi", "TR:I IK-2:I K-3:T3,B2"),
    # Utilitas
    ("U001", "Menara Telekomunikasi", "", "Utilitas", "K:T3,B1,B4 C:T3,B1,B4 KT:T3,B4 SPU:T3,B4 R:T3,B1,B4 KPI:I TR:T3 PTL:I RTH-8:T3,B4 P-1:T3,B1"),
    ("U002", "Pembangkit Listrik Tenaga Surya", "35111", "Utilitas", "PTL:I KPI:I TR:T1 KT:T1 SPU:T1 K:T1 C:T1 R:T1"),
    ("U003", "Pembangkit Listrik Tenaga Gas dan Uap", "35111", "Utilitas", "PTL:B2 KPI:B2,B4"),
    ("U004", "Gardu Listrik", "", "Utilitas", "PTL:I KPI:I K:T1,B4 C:T1,B4 KT:T1,B4 SPU:T1,B4 R:T1,B1,B4 TR:T1 RTH-8:T1,B4"),
    ("U005", "Instalasi Pengolahan Air Minum", "36000", "Utilitas", "SPU-1:B2 KPI:I PS:T1,B2,B4 RTH-1:T1,B2"),
    ("U006", "Instalasi Pengolahan Air Limbah", "37011", "Utilitas", "KPI:I SPU-1:B2 RTH-8:T1,B2 R-4:T3,B1,B2"),
    ("U007", "Tempat Penampungan Sementara Sampah", "38110", "Utilitas", "SPU:T3,B1 R:T3,B1 K:T3 C:T3 KPI:I TR:T3"),
    # Pertanian dan perikanan
    ("P001", "Pertanian Padi", "01121", "Pertanian dan Perikanan", "P-1:I R-4:T1 IK-2:T1"),
    ("P002", "Pertanian Jagung", "01111", "Pertanian dan Perikanan", "P-1:I R-4:T1"),
    ("P003", "Hortikultura Sayuran", "01131", "Pertanian dan Perikanan", "P-1:I R-4:T1 R-3:T1 RTH-4:T1"),
    ("P004", "Peternakan Unggas", "", "Pertanian dan Perikanan", "P-1:T1,B1,B2 R-4:T1,B1,B2"),
    ("P005", "Tambak", "", "Pertanian dan Perikanan", "IK-2:I P-1:T1,B2"),
    ("P006", "Tambak Silvofishery", "", "Pertanian dan Perikanan", "IK-2:I EM:T1,B2"),
    ("P007", "Pembibitan Tanaman", "", "Pertanian dan Perikanan", "P-1:I RTH-1:T1 RTH-4:T1 R-4:I"),
]

# intensity: subzone -> list of rows (lot_min, lot_max, kdb, klb, kdh, ktb, height, floors, gsb, lot_min_m2)
INTENSITY = {
    "BA": [(None, None, 0, 0.0, None, 0, None, None, None, None)],
    "BJ": [(None, None, 0, 0.0, None, 0, None, None, None, None)],
    "PS": [(None, None, 5, 0.05, 90, 0, 6, 1, None, None)],
    "EM": [(None, None, 0, 0.0, 95, 0, None, None, None, None)],
    "RTH-1": [(None, None, 5, 0.05, 95, 0, 6, 1, 10, None)],
    "RTH-2": [(None, None, 10, 0.1, 80, 0, 8, 1, 5, None)],
    "RTH-4": [(None, None, 10, 0.1, 80, 0, 8, 1, 5, None)],
    "RTH-7": [(None, None, 5, 0.05, 85, 0, 6, 1, 5, None)],
    "RTH-8": [(None, None, 0, 0.0, 90, 0, None, None, None, None)],
    "P-1": [(None, None, 10, 0.2, 85, 0, 10, 2, 10, 1000)],
    "IK-2": [(None, None, 10, 0.2, 20, 0, 8, 2, 10, 1000)],
    "KPI": [(None, None, 60, 2.4, 10, 60, 40, 4, 10, 1000)],
    "PTL": [(None, None, 50, 1.0, 20, 40, 50, 2, 10, 2000)],
    "TR": [(None, None, 40, 0.8, 20, 40, 20, 3, 10, None)],
    "K-1": [(None, None, 70, 4.2, 10, 60, 40, 10, 8, 200)],
    "K-2": [(None, None, 65, 2.6, 15, 55, 20, 4, 6, 150)],
    "K-3": [(None, None, 60, 1.8, 20, 50, 14, 3, 5, 120)],
    "KT": [(None, None, 60, 3.6, 20, 60, 32, 6, 6, 300)],
    "C-1": [(None, None, 70, 3.5, 15, 60, 24, 5, 6, 150)],
    "C-2": [(None, None, 60, 1.8, 20, 50, 14, 3, 5, 120)],
    "R-2": [
        (0, 100, 80, 2.4, 10, None, 12, 3, 3, 60),
        (100, 200, 70, 2.1, 15, None, 12, 3, 3, 60),
        (200, 500, 60, 1.8, 20, 50, 12, 3, 4, 60),
        (500, 1000, 50, 1.5, 25, 50, 12, 3, 5, 60),
        (1000, None, 40, 1.2, 30, 40, 12, 3, 6, 60),
    ],
    "R-3": [
        (0, 200, 70, 1.4, 15, None, 10, 2, 4, 120),
        (200, 500, 60, 1.2, 20, None, 10, 2, 4, 120),
        (500, 1000, 50, 1.0, 30, 40, 10, 2, 5, 120),
        (1000, None, 40, 0.8, 35, 30, 10, 2, 6, 120),
    ],
    "R-4": [(None, None, 50, 1.0, 30, None, 10, 2, 5, 200)],
    "SPU-1": [(None, None, 60, 2.4, 20, 50, 20, 4, 8, None)],
    "SPU-2": [(None, None, 60, 1.8, 20, 40, 15, 3, 6, None)],
    "SPU-3": [(None, None, 60, 1.2, 25, None, 10, 2, 5, None)],
}

# --------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------


def _areal(g):
    """Drop collapsed (line/point) parts that snap-rounding can leave in a result."""
    if g.geom_type == "GeometryCollection":
        parts = polys_of(g)
        return MultiPolygon(parts) if parts else Polygon()
    return g


def gint(a, b):
    return _areal(shapely.intersection(a, b, grid_size=GRID))


def gdiff(a, b):
    return _areal(shapely.difference(a, b, grid_size=GRID))


def gunion(geoms):
    return shapely.union_all(list(geoms), grid_size=GRID)


def polys_of(g) -> list[Polygon]:
    """Polygon parts of any geometry (drops lines/points, empty parts)."""
    if g is None or g.is_empty:
        return []
    if g.geom_type == "Polygon":
        return [g]
    if g.geom_type in ("MultiPolygon", "GeometryCollection"):
        out = []
        for p in g.geoms:
            out.extend(polys_of(p))
        return out
    return []


def smooth_noise(rng, n, sigma):
    """Unit-std smooth noise of length n (Gaussian-filtered white noise)."""
    pad = int(4 * sigma) + 1
    w = rng.standard_normal(n + 2 * pad)
    k = np.exp(-0.5 * (np.arange(-pad, pad + 1) / sigma) ** 2)
    s = np.convolve(w, k / k.sum(), mode="same")[pad:pad + n]
    return s / (s.std() + 1e-12)


def wiggly_line(rng, p0, p1, step=40.0, amp=10.0, sigma=6.0):
    """A straight line p0->p1 with smooth lateral noise (amp metres)."""
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    length = float(np.hypot(*(p1 - p0)))
    n = max(2, int(length / step) + 1)
    t = np.linspace(0.0, 1.0, n)
    d = (p1 - p0) / length
    nrm = np.array([-d[1], d[0]])
    off = amp * smooth_noise(rng, n, sigma)
    off[0] = off[-1] = 0.0
    pts = p0[None, :] + t[:, None] * (p1 - p0)[None, :] + off[:, None] * nrm[None, :]
    return LineString(np.round(pts, 2))


def rect_along(center, u, half_len_a, half_len_b, half_w_a, half_w_b=None):
    """Quadrilateral along unit vector u from -a to +b (in u), widths at each end."""
    if half_w_b is None:
        half_w_b = half_w_a
    c = np.asarray(center, float)
    n = np.array([-u[1], u[0]])
    pa = c + u * half_len_a
    pb = c + u * half_len_b
    return Polygon([pa + n * half_w_a, pb + n * half_w_b, pb - n * half_w_b, pa - n * half_w_a])


def block_letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


# --------------------------------------------------------------------------
# Build the plan geometry
# --------------------------------------------------------------------------


class World:
    pass


def build_world(rng) -> World:
    w = World()
    # ---- coastline (east) -------------------------------------------------
    ys = np.arange(Y0 - 200, Y1 + 201, 25.0)
    xc = (554_450
          + 300 * np.sin(2 * np.pi * (ys - Y0) / 7000 + 0.6)
          + 110 * np.sin(2 * np.pi * ys / 2300 + 1.3)
          - 260 * np.exp(-(((ys - 10_150) / 450) ** 2))   # bay at the Sungai Bontang mouth
          + 220 * np.exp(-(((ys - 13_300) / 380) ** 2))   # headland of the industrial port
          + 70 * smooth_noise(rng, len(ys), 10)
          + 22 * smooth_noise(rng, len(ys), 2.5))
    xc = np.round(xc, 2)
    w.coast_y, w.coast_x = ys, xc
    w.coast_line = LineString(np.column_stack([xc, ys]))
    sea = Polygon(list(zip(xc, ys)) + [(SEA_E, ys[-1]), (SEA_E, ys[0])])
    w.sea = sea
    w.box = box(X0, Y0, X1, Y1)
    w.land = gdiff(w.box, sea)
    w.coast_x_at = lambda y: np.interp(y, ys, xc)
    # a very smooth version of the coast (for roads that follow it)
    k = np.exp(-0.5 * (np.arange(-60, 61) / 25.0) ** 2)
    xs_smooth = np.convolve(np.pad(xc, 60, mode="edge"), k / k.sum(), mode="valid")
    w.coast_smooth_at = lambda y: np.interp(y, ys, xs_smooth)

    # ---- mangrove band ------------------------------------------------------
    wid = 280 + 110 * smooth_noise(rng, len(ys), 10)
    wid = np.clip(wid, 110, 460)
    taper = np.ones_like(ys)
    for lo, hi in ((10_650, 11_350), (13_000, 13_600)):   # town waterfront, industrial port
        inside = (ys >= lo) & (ys <= hi)
        ramp = np.clip(np.minimum(np.abs(ys - lo), np.abs(ys - hi)) / 150.0, 0, 1)
        taper *= np.where(inside, 0.0, ramp)
    wid = wid * taper
    em_parts = []
    run = []
    for i in range(len(ys)):
        if wid[i] > 1.0:
            run.append(i)
        if (wid[i] <= 1.0 or i == len(ys) - 1) and len(run) >= 2:
            idx = np.array(run)
            inner = list(zip(np.round(xc[idx] - wid[idx], 2), ys[idx]))
            em_parts.append(Polygon(inner + [(SEA_E, ys[idx[-1]]), (SEA_E, ys[idx[0]])]))
            run = []
        elif wid[i] <= 1.0:
            run = []
    w.em_raw = gunion(em_parts)
    w.ps_coast_raw = shapely.buffer(gunion([sea, w.em_raw]), 100.0, quad_segs=2)

    # ---- roads: arterial and collectors ------------------------------------
    ya = np.arange(Y0 - 100, Y1 + 101, 40.0)
    xa = 551_650 + 210 * np.sin(2 * np.pi * (ya - Y0) / 8000 + 0.3) + 18 * smooth_noise(rng, len(ya), 5)
    w.arterial = LineString(np.round(np.column_stack([xa, ya]), 2))
    w.arterial_x_at = lambda y: np.interp(y, ya, xa)

    collectors = []
    for y0_ in (7_800, 8_850, 10_800, 12_300):
        x_end = float(w.coast_x_at(y0_)) + 50
        collectors.append(wiggly_line(rng, (X0 - 100, y0_), (x_end, y0_ + rng.uniform(-80, 80)),
                                      amp=22, sigma=8))
    # west N-S collector (starts at the E-W collector north of the airport)
    yw = np.arange(7_800, Y1 + 101, 40.0)
    xw = 549_750 + 120 * np.sin(2 * np.pi * (yw - 7_800) / 5200) + 15 * smooth_noise(rng, len(yw), 5)
    collectors.append(LineString(np.round(np.column_stack([xw, yw]), 2)))
    # east N-S collector, roughly parallel to the coast
    ye = np.arange(7_000, 12_300 + 1, 40.0)
    xe = w.coast_smooth_at(ye) - 1_000 + 15 * smooth_noise(rng, len(ye), 5)
    collectors.append(LineString(np.round(np.column_stack([xe, ye]), 2)))
    # the industrial estate's main road to the port
    collectors.append(wiggly_line(rng, (float(w.arterial_x_at(13_350)), 13_350),
                                  (float(w.coast_x_at(13_350)) + 50, 13_350), amp=8))
    w.collectors = collectors
    w.collector_lines = shapely.MultiLineString([list(c.coords) for c in collectors])

    # ---- rivers -------------------------------------------------------------
    xr = np.arange(X0 - 200, float(w.coast_x_at(10_150)) + 500, 20.0)
    yr = (9_250 + (xr - X0) * 0.13 + 170 * np.sin(2 * np.pi * (xr - X0) / 1900 + 0.4)
          + 35 * smooth_noise(rng, len(xr), 8))
    w.river1 = LineString(np.round(np.column_stack([xr, yr]), 2))
    xr2 = np.arange(549_900, float(w.coast_x_at(11_750)) + 500, 20.0)
    yr2 = (11_550 + (xr2 - xr2[0]) * 0.05 + 90 * np.sin(2 * np.pi * (xr2 - xr2[0]) / 1300)
           + 25 * smooth_noise(rng, len(xr2), 8))
    w.river2 = LineString(np.round(np.column_stack([xr2, yr2]), 2))
    w.ba_raw = [
        shapely.buffer(w.river1, 20.0, cap_style="flat", join_style="round", quad_segs=3),
        shapely.buffer(w.river2, 10.0, cap_style="flat", join_style="round", quad_segs=3),
    ]
    w.ps_river_raw = gunion([
        shapely.buffer(w.river1, 20.0 + 50.0, cap_style="flat", join_style="round", quad_segs=3),
        shapely.buffer(w.river2, 10.0 + 30.0, cap_style="flat", join_style="round", quad_segs=3),
    ])

    # ---- airport (synthetic airstrip) and KKOP ------------------------------
    bearing = math.radians(80.0)
    u = np.array([math.sin(bearing), math.cos(bearing)])
    w.rw_center = np.array([549_950.0, 7_000.0])
    w.rw_u = u
    w.airport_raw = rect_along(w.rw_center, u, -1_000, 1_000, 200)
    kkbk, appr = [], []
    for s in (1.0, -1.0):
        us = u * s
        kkbk.append(rect_along(w.rw_center, us, 860, 1_960, 150, 150 + 0.15 * 1_100))
        appr.append(rect_along(w.rw_center, us, 1_960, 3_860, 150 + 0.15 * 1_100, 150 + 0.15 * 3_000))
    nrm = np.array([-u[1], u[0]])
    trans = [rect_along(w.rw_center + nrm * s * 307.5, u, -860, 860, 157.5) for s in (1.0, -1.0)]
    w.kkop = [
        (KKOP_KKBK, gint(gunion(kkbk), w.land),
         "Batas ketinggian bangunan mengikuti permukaan pendekatan; kegiatan yang mengundang burung dan bangunan tinggi tidak diizinkan"),
        (KKOP_APPR, gint(gunion(appr), w.land),
         "Ketinggian bangunan dibatasi kemiringan 2% dari ujung landas pacu"),
        (KKOP_TRANS, gint(gunion(trans), w.land),
         "Ketinggian bangunan dibatasi kemiringan 14,3% dari tepi landas pacu"),
    ]

    # ---- industrial estate (KPI) and port ------------------------------------
    yk = np.arange(12_600, Y1 + 501, 40.0)
    xk = w.arterial_x_at(yk) + 140
    kpi = Polygon(list(zip(np.round(xk, 2), yk)) + [(SEA_E, yk[-1]), (SEA_E, yk[0])])
    w.kpi_region = kpi
    w.kpi_core = shapely.buffer(kpi, -60.0, join_style="mitre")
    w.belt_raw = gdiff(kpi, w.kpi_core)
    yp = np.arange(13_050, 13_551, 25.0)
    w.port_raw = Polygon(list(zip(np.round(w.coast_x_at(yp) - 420, 2), yp)) + [(SEA_E, yp[-1]), (SEA_E, yp[0])])

    # ---- local roads ----------------------------------------------------------
    main_lines = gunion([w.arterial] + collectors)
    w.main_lines = main_lines
    avoid = gunion([
        shapely.buffer(main_lines, 90.0, quad_segs=2),
        shapely.buffer(gunion([w.river1, w.river2]), 90.0, quad_segs=2),
    ])
    mask = gunion([kpi, shapely.buffer(w.airport_raw, 40.0, quad_segs=2), sea])
    local = []
    # vertical local roads
    x = X0 + 130
    while x < X1:
        step = rng.uniform(330, 460) if x < 549_700 else rng.uniform(210, 300)
        local.append(("v", x))
        x += step
    y = Y0 + 120
    while y < Y1:
        local.append(("h", y))
        y += rng.uniform(200, 290) if y > 8_000 else rng.uniform(260, 360)
    lines = {"v": [], "h": []}
    for kind, c in local:
        tilt = rng.uniform(-60, 60)
        if kind == "v":
            lines["v"].append(wiggly_line(rng, (c, Y0 - 50), (c + tilt, Y1 + 50), amp=9, sigma=6))
        else:
            lines["h"].append(wiggly_line(rng, (X0 - 50, c), (X1 + 50, c + tilt), amp=9, sigma=6))
    local_lines = []
    for kind, other in (("v", "h"), ("h", "v")):
        cutters = gunion(lines[other] + [main_lines])
        for ln in lines[kind]:
            # cut the line at its crossings, so that dropped pieces leave T-junctions
            xs = shapely.get_coordinates(shapely.intersection(ln, cutters))
            ds = sorted({0.0, ln.length} | {round(float(ln.project(Point(p))), 3) for p in xs})
            for a, b in zip(ds[:-1], ds[1:]):
                if b - a < 1.0:
                    continue
                seg = shapely.ops.substring(ln, a, b)
                if rng.random() < 0.07:
                    continue
                seg = shapely.difference(seg, mask)
                if seg.is_empty or seg.length < 40:
                    continue
                if shapely.intersection(seg, avoid).length > 0.5 * seg.length:
                    continue
                local_lines.append((seg, rng.uniform(5.0, 6.0)))
    w.local_raw = gunion([shapely.buffer(s, hw, cap_style="flat", join_style="mitre", mitre_limit=2.0)
                          for s, hw in local_lines])
    # the estate's own internal roads
    kl = []
    xk0 = float(np.max(xk[yk <= Y1])) + 420
    xx = xk0
    while xx < X1:
        kl.append(wiggly_line(rng, (xx, 12_500), (xx + rng.uniform(-40, 40), Y1 + 50), amp=5))
        xx += rng.uniform(480, 620)
    for yy in (12_900, 13_800):
        kl.append(wiggly_line(rng, (float(w.arterial_x_at(yy)), yy), (X1, yy + rng.uniform(-30, 30)), amp=5))
    w.kpi_roads_raw = gint(gunion([shapely.buffer(s, 8.0, cap_style="flat", join_style="mitre") for s in kl]),
                           w.kpi_core)

    w.arterial_raw = gdiff(shapely.buffer(w.arterial, 15.0, cap_style="flat", join_style="mitre"), w.ps_coast_raw)
    w.collectors_raw = gdiff(gunion([shapely.buffer(c, 10.0, cap_style="flat", join_style="mitre")
                                     for c in collectors]), w.ps_coast_raw)
    # pipeline corridor (KSMPDN) from the west to the estate
    w.pipeline = LineString([(X0 - 50, 12_050), (550_800, 12_450), (552_600, 12_950), (553_200, 13_150)])
    w.center = np.array([float(w.arterial_x_at(10_800)) + 650, 10_800.0])
    w.tod_center = np.array([float(w.arterial_x_at(10_800)), 10_800.0])
    return w


def grid_cut(geom, cell=400.0):
    """Cut a (multi)polygon by a regular grid into single polygons."""
    if geom.is_empty:
        return []
    gx = np.arange(X0, X1, cell)
    gy = np.arange(Y0, Y1, cell)
    cells = [box(x, y, x + cell, y + cell) for y in gy for x in gx]
    cells = np.array(cells, dtype=object)
    hit = shapely.intersects(cells, geom)
    out = []
    for c in cells[hit]:
        out.extend(polys_of(gint(geom, c)))
    return out


def split_recursive(poly, target, rng, depth=0):
    a = poly.area
    if a <= target * 1.35 or depth > 10:
        return [poly]
    mrr = shapely.oriented_envelope(poly)
    cc = np.asarray(mrr.exterior.coords)[:4]
    e1, e2 = cc[1] - cc[0], cc[2] - cc[1]
    v = e1 if np.hypot(*e1) >= np.hypot(*e2) else e2
    u = v / np.hypot(*v)
    pc = shapely.get_coordinates(poly)
    t = pc @ u
    tc = t.min() + rng.uniform(0.38, 0.62) * (t.max() - t.min())
    n = np.array([-u[1], u[0]])
    p0 = pc[0] + (tc - pc[0] @ u) * u
    L = 1e4
    hp = Polygon([p0 + n * L, p0 - n * L, p0 - n * L - u * L, p0 + n * L - u * L])
    parts = polys_of(gint(poly, hp)) + polys_of(gdiff(poly, hp))
    if len(parts) < 2:
        return [poly]
    out = []
    for p in parts:
        out.extend(split_recursive(p, target, rng, depth + 1))
    return out


def rep_xy(geoms):
    pts = shapely.point_on_surface(np.asarray(geoms, dtype=object))
    return shapely.get_coordinates(pts)


# --------------------------------------------------------------------------
# Zoning of the blocks
# --------------------------------------------------------------------------


def choose(rng, options):
    r = rng.random()
    acc = 0.0
    for code, p in options:
        acc += p
        if r < acc:
            return code
    return options[-1][0]


def zone_for(w, rng, x, y, d_art, d_col, d_ctr, d_coast, in_kpi):
    west = x < float(np.interp(y, [Y0, Y1], [549_700, 549_850]))
    if in_kpi:
        if y < 13_000 and d_coast < 900:
            return choose(rng, [("PTL", 0.75), ("KPI", 0.25)])
        return choose(rng, [("KT", 0.05), ("KPI", 0.95)])
    if d_art < 100:
        return choose(rng, [("K-1", 0.65), ("KT", 0.13), ("C-1", 0.17), ("SPU-1", 0.05)])
    if d_ctr < 700:
        return choose(rng, [("K-2", 0.35), ("C-1", 0.2), ("KT", 0.12), ("R-2", 0.23), ("SPU-1", 0.1)])
    if d_col < 80:
        return choose(rng, [("K-3", 0.45), ("C-2", 0.35), ("SPU-2", 0.1), ("R-3", 0.1)])
    if y < 8_600 and d_coast < 1_200 and not west:
        if rng.random() < 0.65:
            return "IK-2"
    if west and y < 8_700:
        if rng.random() < 0.6:
            return "P-1"
        return "R-4"
    if west and y > 12_800:
        if rng.random() < 0.5:
            return "RTH-1"
        return "R-4"
    base = "R-2" if d_ctr < 1_900 else ("R-3" if d_ctr < 3_300 else "R-4")
    r = rng.random()
    if r < 0.05:
        return "SPU-3"
    if r < 0.07:
        return "SPU-2"
    if r < 0.10:
        return "RTH-4"
    if r < 0.115 and base != "R-2":
        return "RTH-7"
    if r < 0.13:
        return "K-3"
    return base


def build_features(w, rng):
    """Return list of (polygon, subzone_code, remark, parent-block anchor point or None)."""
    layers = [
        ("TR", w.airport_raw, "Bandar Udara Khusus (sintetis)", False),
        ("TR", w.port_raw, "Pelabuhan Khusus Kawasan Industri", False),
        ("BJ", w.arterial_raw, "Jalan Arteri Primer", True),
        ("BJ", w.collectors_raw, "Jalan Kolektor Primer", True),
        ("BA", w.ba_raw[0], "Sungai Bontang", True),
        ("BA", w.ba_raw[1], "Sungai Guntung", True),
        ("EM", w.em_raw, None, True),
        ("PS", w.ps_coast_raw, "Sempadan Pantai", True),
        ("PS", w.ps_river_raw, "Sempadan Sungai", True),
        ("RTH-8", w.belt_raw, "Jalur Hijau Penyangga Kawasan Industri", True),
        ("BJ", w.local_raw, "Jalan Lokal", True),
        ("BJ", w.kpi_roads_raw, "Jalan Lokal Kawasan Industri", True),
    ]
    remaining = w.land
    feats = []
    main_cut = []
    for code, raw, remark, cut in layers:
        piece = gint(raw, remaining)
        remaining = gdiff(remaining, piece)
        if code in ("BJ", "BA") and remark in ("Jalan Arteri Primer", "Jalan Kolektor Primer",
                                                "Sungai Bontang", "Sungai Guntung"):
            main_cut.append(piece)
        parts = grid_cut(piece) if cut else polys_of(piece)
        feats.extend((p, code, remark, None) for p in parts)
    w.macro = polys_of(gdiff(w.land, gunion(main_cut)))

    # the blocks between the roads
    blocks = polys_of(remaining)
    bxy = rep_xy(blocks)
    order = np.lexsort((np.round(bxy[:, 0], 2), np.round(bxy[:, 1], 2)))
    blocks = [blocks[i] for i in order]
    bxy = bxy[order]
    kpi_core = w.kpi_core
    bpts = shapely.points(bxy)
    b_in_kpi = shapely.contains(kpi_core, bpts)
    b_dctr = np.hypot(bxy[:, 0] - w.center[0], bxy[:, 1] - w.center[1])

    # whole-block special uses
    special = {}
    targets = [
        ("RTH-2", (w.center[0] + 350, w.center[1] - 420)),
        ("RTH-2", (float(w.arterial_x_at(9_900)) + 450, 9_900)),
        ("SPU-1", (w.center[0] - 250, w.center[1] + 420)),
        ("SPU-1", (551_000, 11_400)),
        ("SPU-1", (552_600, 9_000)),
        ("RTH-7", (550_700, 9_100)),
        ("RTH-7", (552_200, 12_050)),
        ("RTH-7", (549_000, 11_000)),
        ("KT", (w.center[0] + 50, w.center[1] + 250)),
    ]
    for code, (tx, ty) in targets:
        d = np.hypot(bxy[:, 0] - tx, bxy[:, 1] - ty)
        for i in np.argsort(d, kind="stable"):
            a = blocks[i].area
            if b_in_kpi[i] or i in special or not (8_000 < a < 120_000):
                continue
            special[int(i)] = code
            break

    art = w.arterial
    col = w.collector_lines
    coast = w.coast_line
    for i, blk in enumerate(blocks):
        bx, by = bxy[i]
        if b_in_kpi[i]:
            target = 60_000
        elif b_dctr[i] < 1_000:
            target = 9_000
        elif b_dctr[i] < 2_500:
            target = 15_000
        elif bx < 549_800:
            target = 35_000
        else:
            target = 22_000
        target *= rng.uniform(0.85, 1.4)
        leaves = split_recursive(blk, target, rng)
        lxy = rep_xy(leaves)
        pts = shapely.points(lxy)
        d_art = shapely.distance(pts, art)
        d_col = shapely.distance(pts, col)
        d_coast = shapely.distance(pts, coast)
        d_ctr = np.hypot(lxy[:, 0] - w.center[0], lxy[:, 1] - w.center[1])
        in_kpi = shapely.contains(kpi_core, pts)
        for j, leaf in enumerate(leaves):
            if i in special:
                code = special[i]
            else:
                code = zone_for(w, rng, lxy[j, 0], lxy[j, 1], d_art[j], d_col[j], d_ctr[j], d_coast[j], in_kpi[j])
            feats.append((leaf, code, None, (float(bx), float(by))))
    return feats


# --------------------------------------------------------------------------
# Exact coverage: re-node, polygonize, merge slivers
# --------------------------------------------------------------------------


def make_coverage(feats, min_area=60.0):
    geoms = np.array([f[0] for f in feats], dtype=object)
    edges = shapely.union_all(shapely.boundary(geoms), grid_size=GRID)
    faces = list(shapely.polygonize(list(shapely.get_parts(edges))).geoms)
    faces = [f for f in faces if f.area > 0]
    fxy = shapely.point_on_surface(np.array(faces, dtype=object))
    tree = shapely.STRtree(geoms)
    q_face, q_feat = tree.query(fxy, predicate="within")
    owner = {}
    counts = np.bincount(q_face, minlength=len(faces))
    for fi, gi in zip(q_face, q_feat):
        if counts[fi] == 1:
            owner[int(fi)] = int(gi)
    # group faces by owning feature
    by_feat: dict[int, list[int]] = {}
    orphans = []
    for fi in range(len(faces)):
        if fi in owner:
            by_feat.setdefault(owner[fi], []).append(fi)
        else:
            orphans.append(fi)
    out_geoms = []
    out_attr = []
    for gi in sorted(by_feat):
        fl = by_feat[gi]
        g = faces[fl[0]] if len(fl) == 1 else shapely.coverage_union_all([faces[k] for k in fl])
        for p in polys_of(g):
            out_geoms.append(p)
            out_attr.append(feats[gi][1:])
    # orphans (gap/overlap slivers, if any) and tiny pieces merge into the neighbour
    items = [[g, a] for g, a in zip(out_geoms, out_attr)]
    orphan_items = [[faces[fi], None] for fi in orphans]

    def merge_into_neighbour(idx_list, pool):
        count = 0
        geoms_now = np.array([it[0] for it in pool], dtype=object)
        tr = shapely.STRtree(geoms_now)
        alive = [True] * len(pool)
        for k in idx_list:
            g = pool[k][0]
            cand = [c for c in tr.query(g, predicate="intersects") if c != k and alive[c]]
            best, best_len = None, 0.0
            gb = g.boundary
            for c in sorted(cand):
                ln = shapely.intersection(gb, pool[c][0].boundary).length
                if ln > best_len + 1e-9:
                    best, best_len = c, ln
            if best is None:
                continue
            # exact coverage union: no snap-rounding, so thin parts are not collapsed
            pool[best][0] = shapely.coverage_union_all([pool[best][0], g])
            alive[k] = False
            count += 1
        return [it for it, a in zip(pool, alive) if a], count

    pool = items + orphan_items
    orphan_idx = list(range(len(items), len(pool)))
    pool, merged_orphans = merge_into_neighbour(orphan_idx, pool)
    pool = [it for it in pool if it[1] is not None] + [it for it in pool if it[1] is None]
    # tiny pieces and hair-thin slivers (mean width under ~2 m)
    small = sorted((k for k, it in enumerate(pool)
                    if it[0].area < min_area or (it[0].area < 2_000 and it[0].area / it[0].length < 1.0)),
                   key=lambda k: (pool[k][0].area, k))
    pool, merged_small = merge_into_neighbour(small, pool)
    leftover = sum(1 for it in pool if it[1] is None)
    if leftover:
        raise AssertionError(f"{leftover} sliver faces could not be merged")
    # merging can leave MultiPolygons (touching at a point) -> explode
    final = []
    for g, a in pool:
        for p in polys_of(g):
            final.append((p, a[0], a[1], a[2]))
    return final, len(faces), merged_orphans, merged_small


# --------------------------------------------------------------------------
# Attributes
# --------------------------------------------------------------------------


def attributes(w, feats):
    geoms = np.array([f[0] for f in feats], dtype=object)
    xy = rep_xy(geoms)
    pts = shapely.points(xy)
    n = len(feats)

    seeds = np.array([[k[2], k[3]] for k in KELURAHAN], float)
    d = np.hypot(xy[:, None, 0] - seeds[None, :, 0], xy[:, None, 1] - seeds[None, :, 1])
    kel_idx = np.argmin(d, axis=1)

    # macro blocks (between arterial/collectors/rivers) -> KODBLK
    macro = np.array(w.macro, dtype=object)
    mtree = shapely.STRtree(macro)
    q_pt, q_m = mtree.query(pts, predicate="within")
    macro_of = np.full(n, -1)
    macro_of[q_pt] = q_m
    missing = np.where(macro_of < 0)[0]
    if len(missing):
        macro_of[missing] = mtree.nearest(pts[missing])

    swp = np.array([SWP_OF_KECAMATAN[KELURAHAN[k][0]] for k in kel_idx])
    # a block (KODBLK) = the part of one kelurahan inside one cell of the arterial /
    # collector / river network, further grouped by a 1.5 km grid (taken at the
    # parent road block, so block limits follow roads); lettered per SWP from
    # north-west to south-east
    anchor = np.array([f[3] if f[3] is not None else xy[i] for i, f in enumerate(feats)], float)
    cell = np.floor((anchor - [X0, Y0]) / 1_500.0).astype(int)
    bkey = [(int(macro_of[i]), int(kel_idx[i]), int(cell[i, 0]), int(cell[i, 1])) for i in range(n)]
    # roads, rivers and strips join the block of the nearest sub-block (same kelurahan)
    anchored = np.array([f[3] is not None for f in feats])
    for k in range(len(KELURAHAN)):
        sel = np.where(anchored & (kel_idx == k))[0]
        lin = np.where(~anchored & (kel_idx == k))[0]
        if len(sel) == 0 or len(lin) == 0:
            continue
        near = shapely.STRtree(geoms[sel]).nearest(pts[lin])
        for i, j in zip(lin, sel[near]):
            bkey[i] = bkey[j]
    letter = {}
    for s in ("I", "II", "III"):
        ks = sorted({bkey[i] for i in range(n) if swp[i] == s})
        cen = {k: xy[[i for i in range(n) if bkey[i] == k and swp[i] == s]].mean(axis=0) for k in ks}
        ks.sort(key=lambda k: (-round(cen[k][1] / 500.0), round(cen[k][0]), k))
        for i, k in enumerate(ks):
            letter[(s, k)] = block_letters(i)
    kodblk = [f"{swp[i]}.{letter[(swp[i], bkey[i])]}" for i in range(n)]

    # sub-block number inside each block, in reading order (north to south, west to east)
    groups: dict[str, list[int]] = {}
    for i in range(n):
        groups.setdefault(kodblk[i], []).append(i)
    kodsbl = [""] * n
    for _, idx in groups.items():
        idx.sort(key=lambda i: (-round(xy[i, 1]), round(xy[i, 0]), i))
        for k, i in enumerate(idx):
            kodsbl[i] = str(k + 1)

    # KKOP by largest overlap with the overlay polygons
    kkop = [NONE_TEXT] * n
    best = np.zeros(n)
    for name, geom, _ in w.kkop:
        ov = shapely.area(shapely.intersection(geoms, geom, grid_size=GRID))
        upd = (ov > 1.0) & (ov > best)
        for i in np.where(upd)[0]:
            kkop[i] = name
        best = np.maximum(best, np.where(ov > 1.0, ov, 0))

    # KRB: flood-prone lower river reaches, tidal flooding at the town waterfront
    flood = gunion([
        gint(shapely.buffer(w.river1, 300.0, quad_segs=4), box(550_600, Y0, X1, Y1)),
        gint(shapely.buffer(w.river2, 180.0, quad_segs=4), box(552_000, Y0, X1, Y1)),
    ])
    rob = gint(shapely.buffer(w.coast_line, 250.0, quad_segs=4), box(X0, 10_300, X1, 11_700))
    krb = np.where(shapely.intersects(geoms, flood), "Rawan Banjir",
                   np.where(shapely.intersects(geoms, rob), "Rawan Banjir Rob", NONE_TEXT))

    tod = np.hypot(xy[:, 0] - w.tod_center[0], xy[:, 1] - w.tod_center[1]) < 400
    pipe = shapely.buffer(w.pipeline, 25.0, quad_segs=2)
    ksm = np.where(shapely.intersects(geoms, pipe), "Sempadan Pipa Gas", NONE_TEXT)
    d_ctr = np.hypot(xy[:, 0] - w.center[0], xy[:, 1] - w.center[1])

    rows = []
    for i, (g, code, remark, _) in enumerate(feats):
        szn, zcode, zname = SUBZONES[code]
        kec, kel = KELURAHAN[kel_idx[i]][0], KELURAHAN[kel_idx[i]][1]
        if code == "BJ":
            tpz = None
        elif tod[i] and code in ("K-1", "K-2", "C-1", "KT"):
            tpz = "b,c"
        elif d_ctr[i] < 1_100 and code in ("K-1", "K-2", "C-1"):
            tpz = "b"
        elif code == "R-2" and kel == "Bontang Kuala":
            tpz = "c"
        elif code in ("R-3", "R-4") and kkop[i] == KKOP_KKBK:
            tpz = "d"
        else:
            tpz = None
        rows.append({
            "NAMOBJ": szn,
            "KODZON": zcode,
            "NAMZON": zname,
            "KODSZN": code,
            "NAMSZN": szn,
            "JNSRPR": "Zona Lindung" if zcode in LINDUNG_ZONES else "Zona Budi Daya",
            "KODEWP": "BONTANG",
            "KODSWP": str(swp[i]),
            "KODBLK": kodblk[i],
            "KODSBL": kodsbl[i],
            "WADMPR": "Kalimantan Timur",
            "WADMKK": "Kota Bontang",
            "WADMKC": kec,
            "WADMKD": kel,
            "KKOP_1": kkop[i],
            "KRB_03": str(krb[i]),
            "LP2B_2": "Lahan Pertanian Pangan Berkelanjutan" if code == "P-1" else NONE_TEXT,
            "TOD_04": "Kawasan Berorientasi Transit" if tod[i] else NONE_TEXT,
            "KSMPDN": str(ksm[i]),
            "TPZ_00": tpz,
            "REMARK": remark,
            "LUASHA": round(g.area / 10_000.0, 4),
        })
    return rows


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def check_coverage(geoms, land):
    geoms = np.asarray(geoms, dtype=object)
    res = {}
    assert all(g.geom_type == "MultiPolygon" for g in geoms), "not all MultiPolygon"
    assert bool(np.all(shapely.is_valid(geoms))), "invalid geometry"
    coords = shapely.get_coordinates(geoms)
    off = np.abs(coords / GRID - np.round(coords / GRID)).max()
    assert off < 1e-4, f"coordinates off the {GRID} m grid ({off})"
    areas = shapely.area(geoms)
    assert areas.min() > 0
    total = float(areas.sum())
    union = shapely.coverage_union_all(geoms)
    ua = float(union.area)
    rel = abs(ua - total) / total
    assert rel < 1e-6, f"union area {ua} != sum of areas {total} (rel {rel})"
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    m = a < b
    ov = shapely.area(shapely.intersection(geoms[a[m]], geoms[b[m]]))
    res["pairs_checked"] = int(m.sum())
    res["overlap_total_m2"] = float(ov.sum())
    res["overlap_max_m2"] = float(ov.max()) if len(ov) else 0.0
    assert res["overlap_max_m2"] < 1e-6, f"overlap {res['overlap_max_m2']} m2"
    gap = float(shapely.difference(land, union).area)
    extra = float(shapely.difference(union, land).area)
    res["gap_m2"], res["outside_m2"] = gap, extra
    assert gap / land.area < 1e-6 and extra / land.area < 1e-6, (gap, extra)
    assert abs(ua - land.area) / land.area < 1e-6
    # no holes inside the union except none at all (plan area is one piece)
    res["union_parts"] = len(polys_of(union))
    res["union_holes"] = sum(len(p.interiors) for p in polys_of(union))
    assert res["union_holes"] == 0, "gap (hole) inside the plan area"
    res["coverage_is_valid"] = bool(shapely.coverage_is_valid(geoms))
    assert res["coverage_is_valid"], "not a valid polygonal coverage"
    res["area_ha"] = total / 10_000
    return res


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------

PLAN_TOML = """[plan]
id = "bontang"
name = "RDTR Kota Bontang (SAMPEL SINTETIS)"
legal_basis = "Perwali Kota Bontang No. 12 Tahun 2024 (sampel sintetis, bukan dokumen hukum)"
effective_from = 2024-05-01
region = "Kota Bontang"
region_code = "64.74"
synthetic = true

[zones]
path = "pola_ruang.gpkg"
layer = "pola_ruang"

[subzones]
path = "subzona.csv"

[itbx]
path = "itbx.csv"
codes = "itbx_codes.csv"

[intensity]
path = "intensitas.csv"

[tpz]
path = "tpz.csv"

[[overlays]]
kind = "KKOP"
name = "Kawasan Keselamatan Operasi Penerbangan Bandara (sintetis)"
path = "kkop.gpkg"
text = "Ketinggian bangunan dibatasi oleh kawasan keselamatan operasi penerbangan"
max_height_m = 45

[[parcels]]
path = "persil.gpkg"
layer = "persil"
id_field = "NIB"
label_field = "ALAMAT"
"""

# Synthetic land parcels (persil): rectangles laid inside a few housing sub-blocks. The NIB look like BPN's
# 14 digits (6474 = Kota Bontang, then kecamatan, kelurahan and a serial number) but are invented, and so are
# the street names; no parcel register was used.
PARCEL_STREETS = ["Jl. Mawar Sintetis", "Jl. Melati Sintetis", "Gg. Kenanga Sintetis", "Jl. Anggrek Sintetis"]
PARCEL_SIZE = (15.0, 25.0)  # metres, E-W x N-S
PARCELS_PER_ZONE = 12
PARCEL_ZONES = 4


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(header)
        for r in rows:
            wr.writerow(["" if v is None else v for v in r])


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def parse_spec(spec, codes):
    row = {c: "X" for c in codes}
    for tok in spec.split():
        target, cell = tok.split(":")
        subs = ITBX_GROUPS.get(target, [target])
        for s in subs:
            if s not in SUBZONES:
                raise ValueError(f"unknown sub-zone {s} in spec {spec!r}")
            if s in row:
                row[s] = cell
    return row


def cell_class(cell):
    letters = {c[0] for c in cell.split(",")}
    for k in "XBTI":
        if k in letters:
            return k
    raise ValueError(cell)


def write_gpkg(path, gdf, layer):
    import pyogrio
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()
    pyogrio.write_dataframe(gdf, path, layer=layer, driver="GPKG", promote_to_multi=True,
                            layer_options={"SPATIAL_INDEX": "YES"})
    info = pyogrio.read_info(path, layer=layer)
    from pyproj import CRS
    assert CRS.from_user_input(info["crs"]).to_epsg() == EPSG, info["crs"]
    return info


def build_parcels(rows, geoms):
    """The synthetic parcel layer: up to PARCELS_PER_ZONE rectangles (1 m inside the edge) in each of
    PARCEL_ZONES housing sub-blocks spread over the plan; returns (attribute rows, polygons)."""
    cand = [i for i, r in enumerate(rows)
            if r["KODSZN"] in ("R-2", "R-3") and 15_000 <= geoms[i].area <= 60_000]
    step = max(1, len(cand) // PARCEL_ZONES)
    chosen = cand[step // 2::step][:PARCEL_ZONES]
    kec_no = {k: n + 1 for n, k in enumerate(sorted({r["WADMKC"] for r in rows}))}
    kel_no = {k: n + 1 for n, k in enumerate(sorted({r["WADMKD"] for r in rows}))}
    out_rows, out_geoms = [], []
    serial = 0
    for z, i in enumerate(chosen):
        inner = geoms[i].buffer(-1.0)
        x0, y0, x1, y1 = geoms[i].bounds
        w, h = PARCEL_SIZE
        gx, gy = math.floor(x0 / 5) * 5, math.ceil(y1 / 5) * 5
        cells = []
        y = gy
        while y - h >= y0 and len(cells) < PARCELS_PER_ZONE:
            x = gx
            while x + w <= x1 and len(cells) < PARCELS_PER_ZONE:
                cell = box(x, y - h, x + w, y)
                if inner.contains(cell):
                    cells.append(cell)
                x += w
            y -= h
        street = PARCEL_STREETS[z % len(PARCEL_STREETS)]
        for k, cell in enumerate(cells, 1):
            serial += 1
            r = rows[i]
            out_rows.append({
                "NIB": f"6474{kec_no[r['WADMKC']]:02d}{kel_no[r['WADMKD']]:02d}{serial:06d}",
                "ALAMAT": f"{street} No. {k}, {r['WADMKD']}",
                "KODBLK": r["KODBLK"], "KODSBL": r["KODSBL"],
                "CATATAN": "SAMPEL SINTETIS - bukan data BPN",
            })
            out_geoms.append(MultiPolygon([cell]))
    return out_rows, out_geoms


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "bontang"))
    args = ap.parse_args(argv)
    t0 = time.perf_counter()

    # pin GeoPackage timestamps so that the output is reproducible
    os.environ["OGR_CURRENT_DATE"] = "2024-05-01T00:00:00Z"
    import geopandas as gpd
    import pyogrio
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2024-05-01T00:00:00Z"})

    rng = np.random.default_rng(SEED)
    w = build_world(rng)
    feats = build_features(w, rng)
    n_raw = len(feats)
    feats, n_faces, merged_orphans, merged_small = make_coverage(feats)
    # deterministic order before numbering
    rows = attributes(w, feats)
    swp_rank = {"I": 0, "II": 1, "III": 2}

    def blk_key(s):
        return (len(s), s)

    order = sorted(range(len(rows)), key=lambda i: (swp_rank[rows[i]["KODSWP"]],
                                                    blk_key(rows[i]["KODBLK"].split(".")[1]),
                                                    int(rows[i]["KODSBL"])))
    rows = [rows[i] for i in order]
    geoms = [MultiPolygon([feats[i][0]]) for i in order]
    for k, r in enumerate(rows):
        r["ID_ZONA"] = f"BTG-{k + 1:06d}"
    cols = ["ID_ZONA", "NAMOBJ", "KODZON", "NAMZON", "KODSZN", "NAMSZN", "JNSRPR", "KODEWP", "KODSWP",
            "KODBLK", "KODSBL", "WADMPR", "WADMKK", "WADMKC", "WADMKD", "KKOP_1", "KRB_03", "LP2B_2",
            "TOD_04", "KSMPDN", "TPZ_00", "REMARK", "LUASHA"]
    keys = {(r["KODBLK"], r["KODSBL"]) for r in rows}
    assert len(keys) == len(rows), "block/sub-block codes not unique"

    checks = check_coverage(geoms, w.land)

    used = sorted({r["KODSZN"] for r in rows})
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    gdf = gpd.GeoDataFrame([{c: r[c] for c in cols} for r in rows], geometry=geoms, crs=f"EPSG:{EPSG}")
    write_gpkg(out / "pola_ruang.gpkg", gdf, "pola_ruang")
    back = gpd.read_file(out / "pola_ruang.gpkg", layer="pola_ruang", engine="pyogrio")
    assert back.crs.to_epsg() == EPSG and len(back) == len(gdf)
    assert set(back.geom_type) == {"MultiPolygon"}

    kk = gpd.GeoDataFrame(
        [{"NAMOBJ": name, "KETERANGAN": text} for name, _, text in w.kkop],
        geometry=[MultiPolygon(polys_of(g)) for _, g, _ in w.kkop], crs=f"EPSG:{EPSG}")
    write_gpkg(out / "kkop.gpkg", kk, "kkop")

    parcel_rows, parcel_geoms = build_parcels(rows, geoms)
    assert len({r["NIB"] for r in parcel_rows}) == len(parcel_rows), "duplicate NIB"
    write_gpkg(out / "persil.gpkg", gpd.GeoDataFrame(parcel_rows, geometry=parcel_geoms, crs=f"EPSG:{EPSG}"),
               "persil")

    (out / "plan.toml").write_text(PLAN_TOML, encoding="utf-8")
    write_csv(out / "subzona.csv", ["subzone_code", "subzone_name", "zone_code", "zone_name"],
              [(c, SUBZONES[c][0], SUBZONES[c][1], SUBZONES[c][2]) for c in used])

    # ITBX
    itbx_rows = []
    class_counts = {"I": 0, "T": 0, "B": 0, "X": 0}
    multi = 0
    codes_used = set()
    pat = re.compile(r"^(I|X|[TB][1-4](,[TB][1-4])*)$")
    for code, name, kbli, group, spec in sorted(ACTIVITIES):
        row = parse_spec(spec, used)
        cells = [row[c] for c in used]
        for c in cells:
            assert pat.match(c), c
            class_counts[cell_class(c)] += 1
            if "," in c:
                multi += 1
            if c not in ("I", "X"):
                codes_used.update(c.split(","))
        itbx_rows.append([code, name, kbli, group] + cells)
    assert len({r[1] for r in itbx_rows}) == len(itbx_rows), "duplicate activity names"
    write_csv(out / "itbx.csv", ["activity_code", "activity", "kbli", "group"] + used, itbx_rows)
    write_csv(out / "itbx_codes.csv", ["code", "text"] + ITBX_RULE_COLUMNS,
              [[c, ITBX_CODES[c]] + [ITBX_CODE_RULES.get(c, {}).get(k, "") for k in ITBX_RULE_COLUMNS]
               for c in sorted(codes_used)])

    int_rows = []
    for c in used:
        for r in INTENSITY[c]:
            int_rows.append([c] + [fmt(v) for v in r])
    write_csv(out / "intensitas.csv",
              ["subzone", "lot_area_min_m2", "lot_area_max_m2", "kdb_max", "klb_max", "kdh_min", "ktb_max",
               "height_max_m", "floors_max", "gsb_min_m", "lot_min_m2"], int_rows)
    tpz_used = sorted({t for r in rows if r["TPZ_00"] for t in r["TPZ_00"].split(",")})
    write_csv(out / "tpz.csv", ["code", "text"], [(t, TPZ_TEXT[t]) for t in tpz_used])

    # ---- summary -------------------------------------------------------------
    from collections import Counter
    cnt = Counter(r["KODSZN"] for r in rows)
    kel = Counter(r["WADMKD"] for r in rows)
    n_kkop = sum(r["KKOP_1"] != NONE_TEXT for r in rows)
    n_krb = sum(r["KRB_03"] != NONE_TEXT for r in rows)
    n_tpz = sum(bool(r["TPZ_00"]) for r in rows)
    n_tod = sum(r["TOD_04"] != NONE_TEXT for r in rows)
    n_ksm = sum(r["KSMPDN"] != NONE_TEXT for r in rows)
    n_lp2b = sum(r["LP2B_2"] != NONE_TEXT for r in rows)
    sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
    print(f"RDTR Kota Bontang (SAMPEL SINTETIS) -> {out}")
    print(f"  pola_ruang: {len(rows)} MultiPolygon features, EPSG:{EPSG}, plan area {checks['area_ha']:.2f} ha "
          f"({n_raw} pieces -> {n_faces} noded faces, {merged_orphans} slivers and {merged_small} tiny pieces merged)")
    print(f"  sub-zone codes: {len(used)}: " + ", ".join(f"{c} {cnt[c]}" for c in used))
    print(f"  kelurahan: {len(kel)} in {len({r['WADMKC'] for r in rows})} kecamatan; "
          f"blocks (KODBLK): {len({r['KODBLK'] for r in rows})}")
    print(f"  special provisions: KKOP_1 {n_kkop}, KRB_03 {n_krb}, TOD_04 {n_tod}, KSMPDN {n_ksm}, "
          f"LP2B_2 {n_lp2b}; TPZ_00 {n_tpz} ({', '.join(tpz_used)})")
    print(f"  ITBX: {len(itbx_rows)} activities x {len(used)} sub-zones = {len(itbx_rows) * len(used)} cells; "
          f"I {class_counts['I']}, T {class_counts['T']}, B {class_counts['B']}, X {class_counts['X']}; "
          f"multi-code cells {multi}; condition codes {len(codes_used)}; "
          f"with KBLI {sum(1 for r in itbx_rows if r[2])}")
    print(f"  intensity rows: {len(int_rows)}; KKOP overlay polygons: {len(w.kkop)}; "
          f"parcels (persil, synthetic NIB): {len(parcel_rows)} in blocks "
          f"{', '.join(sorted({r['KODBLK'] for r in parcel_rows}))}")
    print(f"  checks: valid, all MultiPolygon, on {GRID} m grid, coverage_is_valid={checks['coverage_is_valid']}, "
          f"overlap total {checks['overlap_total_m2']:.3g} m2 over {checks['pairs_checked']} touching pairs, "
          f"gap {checks['gap_m2']:.3g} m2, outside {checks['outside_m2']:.3g} m2, CRS round-trip EPSG:{EPSG}")
    print("  files: " + ", ".join(f"{k} ({v / 1024:.0f} KiB)" for k, v in sizes.items()))
    print(f"  runtime {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
