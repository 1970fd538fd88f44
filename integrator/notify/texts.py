"""The words of the shopper emails and WhatsApp messages, in English and Indonesian. Each kind has a
subject, a heading and a paragraph; `{placeholders}` are filled from the event (render.py), numbers,
amounts and dates already formatted for the language."""

from __future__ import annotations

LANGUAGES = ("en", "id")

EMAILS: dict[str, dict[str, dict[str, str]]] = {
    "points_earned": {
        "en": {
            "subject": "You earned {points} points at {shop}",
            "heading": "{points} points for your order {order}",
            "body": "Thank you for your order. {availability}",
            "pending": "They become available to spend on {date}.",
            "available": "They are ready to spend now.",
        },
        "id": {
            "subject": "Anda mendapat {points} poin di {shop}",
            "heading": "{points} poin untuk pesanan {order}",
            "body": "Terima kasih atas pesanan Anda. {availability}",
            "pending": "Poin dapat dipakai mulai {date}.",
            "available": "Poin sudah bisa dipakai sekarang.",
        },
    },
    "code_issued": {
        "en": {
            "subject": "Your code from {shop}: {code}",
            "heading": "Your code is ready",
            "body": "Use {code} at checkout ({value}). It is valid until {date}.",
        },
        "id": {
            "subject": "Kode Anda dari {shop}: {code}",
            "heading": "Kode Anda sudah siap",
            "body": "Pakai {code} saat checkout ({value}). Berlaku sampai {date}.",
        },
    },
    "cashback_available": {
        "en": {
            "subject": "{amount} cashback is ready at {shop}",
            "heading": "Your cashback is ready",
            "body": "{amount} cashback from your order {order} can now be spent.",
        },
        "id": {
            "subject": "Cashback {amount} siap dipakai di {shop}",
            "heading": "Cashback Anda sudah siap",
            "body": "Cashback {amount} dari pesanan {order} sekarang bisa dipakai.",
        },
    },
    "points_expiring": {
        "en": {
            "subject": "{points} points expire in {days} days at {shop}",
            "heading": "Your points expire on {date}",
            "body": "{points} points expire on {date} unless you earn or spend points before then.",
        },
        "id": {
            "subject": "{points} poin hangus dalam {days} hari di {shop}",
            "heading": "Poin Anda hangus pada {date}",
            "body": "{points} poin akan hangus pada {date}, kecuali Anda mendapat atau memakai poin sebelum itu.",
        },
    },
    "tier_reached": {
        "en": {
            "subject": "Welcome to {tier} at {shop}",
            "heading": "You reached {tier}",
            "body": "Thank you for shopping with us: you are now a {tier} member.",
        },
        "id": {
            "subject": "Selamat datang di {tier}, {shop}",
            "heading": "Anda mencapai {tier}",
            "body": "Terima kasih telah berbelanja: sekarang Anda anggota {tier}.",
        },
    },
    "referral_reward": {
        "en": {
            "subject": "A friend shopped at {shop}: {points} points for you",
            "heading": "Thank you for the referral",
            "body": "A friend you invited placed an order, and you earned {points} points.",
        },
        "id": {
            "subject": "Teman Anda berbelanja di {shop}: {points} poin untuk Anda",
            "heading": "Terima kasih sudah mengajak teman",
            "body": "Teman yang Anda ajak telah berbelanja, dan Anda mendapat {points} poin.",
        },
    },
    "birthday": {
        "en": {
            "subject": "Happy birthday from {shop}",
            "heading": "Happy birthday!",
            "body": "To celebrate, we added {points} points to your account.",
        },
        "id": {
            "subject": "Selamat ulang tahun dari {shop}",
            "heading": "Selamat ulang tahun!",
            "body": "Untuk merayakannya, kami menambahkan {points} poin ke akun Anda.",
        },
    },
}

COMMON = {
    "en": {
        "balance": "Your balance: {balance} points.",
        "why": "You receive this email as a member of the loyalty programme of {shop}.",
        "unsubscribe": "Unsubscribe",
        "greeting": "Hello {name},",
        "greeting_plain": "Hello,",
    },
    "id": {
        "balance": "Saldo Anda: {balance} poin.",
        "why": "Anda menerima email ini sebagai anggota program loyalitas {shop}.",
        "unsubscribe": "Berhenti berlangganan",
        "greeting": "Halo {name},",
        "greeting_plain": "Halo,",
    },
}

# The merchant's own names for the emails (notifications page, per-event switches).
KIND_NAMES = {
    "en": {
        "points_earned": "Points earned",
        "code_issued": "Reward or code issued",
        "cashback_available": "Cashback available",
        "points_expiring": "Points expiring (30 and 7 days before)",
        "tier_reached": "Tier reached",
        "referral_reward": "Referral reward",
        "birthday": "Birthday",
    },
    "id": {
        "points_earned": "Poin didapat",
        "code_issued": "Hadiah atau kode diterbitkan",
        "cashback_available": "Cashback tersedia",
        "points_expiring": "Poin akan hangus (30 dan 7 hari sebelumnya)",
        "tier_reached": "Tingkat tercapai",
        "referral_reward": "Hadiah referal",
        "birthday": "Ulang tahun",
    },
}
