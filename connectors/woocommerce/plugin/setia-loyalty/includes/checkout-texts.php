<?php
/**
 * The checkout element's words, in English and Indonesian, chosen by the site's locale (an `id`
 * locale gets Indonesian, any other English). They travel to assets/checkout.js as its settings:
 * "{n}", "{points}", "{code}"... are filled there; the last four are the apply handler's answers.
 * Pure PHP, no WordPress calls.
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

/**
 * The texts for one locale.
 *
 * @param string $locale A WordPress locale such as en_US or id_ID.
 * @return array<string, string>
 */
function setia_loyalty_checkout_texts( $locale ) {
	if ( 'id' === setia_loyalty_checkout_language( $locale ) ) {
		return array(
			'point'       => '{n} poin',
			'points'      => '{n} poin',
			'earn'        => 'Anda akan mendapatkan {points} dari pesanan ini.',
			'earn_cash'   => 'Anda akan mendapatkan {points} dan cashback {cashback} dari pesanan ini.',
			'guest'       => 'Dengan akun, pesanan ini mendapatkan {points}.',
			'sign_in'     => 'Masuk',
			'balance'     => 'Saldo Anda: {points}',
			'use'         => 'Pakai poin Anda',
			'choose'      => 'Pilih hadiah',
			'none'        => 'Belum ada hadiah yang cocok untuk keranjang ini.',
			'confirm'     => 'Tukar {points} dengan {reward}?',
			'yes'         => 'Ya, tukar',
			'cancel'      => 'Batal',
			'working'     => 'Menerapkan kode Anda…',
			'applied'     => 'Kode {code} sudah diterapkan pada pesanan ini.',
			'activating'  => 'Kode {code} Anda sedang diaktifkan. Masukkan kode ini di kolom kupon sebentar lagi.',
			'not_applied' => 'Kode Anda {code} belum bisa diterapkan di sini: {reason}',
			'low'         => 'Poin belum cukup.',
			'auth'        => 'Muat ulang halaman lalu coba lagi.',
			'busy'        => 'Terlalu banyak permintaan. Coba lagi sebentar lagi.',
			'error'       => 'Hadiah sedang tidak tersedia.',
			'expired'     => 'Halaman ini sudah kedaluwarsa. Muat ulang halaman.',
			'signed_out'  => 'Silakan masuk untuk memakai poin Anda.',
			'not_a_code'  => 'Itu bukan kode kupon.',
			'refused'     => 'Kode tidak dapat diterapkan.',
		);
	}
	return array(
		'point'       => '{n} point',
		'points'      => '{n} points',
		'earn'        => 'You will earn {points} with this order.',
		'earn_cash'   => 'You will earn {points} and {cashback} cashback with this order.',
		'guest'       => 'With an account this order earns {points}.',
		'sign_in'     => 'Sign in',
		'balance'     => 'Your balance: {points}',
		'use'         => 'Use your points',
		'choose'      => 'Choose a reward',
		'none'        => 'No reward fits this cart yet.',
		'confirm'     => 'Spend {points} on {reward}?',
		'yes'         => 'Yes, spend',
		'cancel'      => 'Cancel',
		'working'     => 'Applying your code…',
		'applied'     => 'Code {code} is applied to this order.',
		'activating'  => 'Your code {code} is being activated. Enter it in the coupon field in a moment.',
		'not_applied' => 'Your code {code} could not be applied here: {reason}',
		'low'         => 'Not enough points yet.',
		'auth'        => 'Please reload the page and try again.',
		'busy'        => 'Too many requests. Try again in a minute.',
		'error'       => 'Rewards are unavailable right now.',
		'expired'     => 'This page has expired. Please reload it.',
		'signed_out'  => 'Please sign in to use your points.',
		'not_a_code'  => 'That is not a coupon code.',
		'refused'     => 'The code could not be applied.',
	);
}

/**
 * The element's language: 'id' for an Indonesian locale, 'en' otherwise.
 *
 * @param string $locale A WordPress locale.
 * @return string
 */
function setia_loyalty_checkout_language( $locale ) {
	return 1 === preg_match( '/^id(_|$)/', (string) $locale ) ? 'id' : 'en';
}
