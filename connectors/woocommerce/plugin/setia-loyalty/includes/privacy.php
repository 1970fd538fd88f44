<?php
/**
 * WordPress's personal data tools (Tools → Export / Erase Personal Data) for what Setia holds.
 * Export reads GET /api/v1/members?email=E and GET /api/v1/members/<id>/ledger (both exist).
 * Erasure calls POST /api/v1/data-requests {"kind": "customer_redact", "email": E}; when Setia
 * cannot be reached the eraser reports the data as retained (see README.md).
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

/**
 * Hooks of the privacy tools.
 */
function setia_loyalty_register_privacy_hooks() {
	add_filter( 'wp_privacy_personal_data_exporters', 'setia_loyalty_register_exporter' );
	add_filter( 'wp_privacy_personal_data_erasers', 'setia_loyalty_register_eraser' );
}

/**
 * Registers the exporter.
 *
 * @param array $exporters Exporters.
 * @return array
 */
function setia_loyalty_register_exporter( $exporters ) {
	$exporters['setia-loyalty'] = array(
		'exporter_friendly_name' => __( 'Setia loyalty', 'setia-loyalty' ),
		'callback'               => 'setia_loyalty_export_personal_data',
	);
	return $exporters;
}

/**
 * Registers the eraser.
 *
 * @param array $erasers Erasers.
 * @return array
 */
function setia_loyalty_register_eraser( $erasers ) {
	$erasers['setia-loyalty'] = array(
		'eraser_friendly_name' => __( 'Setia loyalty', 'setia-loyalty' ),
		'callback'             => 'setia_loyalty_erase_personal_data',
	);
	return $erasers;
}

/**
 * Name/value pairs WordPress puts in the export file.
 *
 * @param array    $source Decoded JSON object.
 * @param string[] $keys   Keys to keep.
 * @return array<int, array{name: string, value: string}>
 */
function setia_loyalty_export_pairs( $source, $keys ) {
	$pairs = array();
	foreach ( $keys as $key ) {
		if ( isset( $source[ $key ] ) && is_scalar( $source[ $key ] ) ) {
			$pairs[] = array(
				'name'  => $key,
				'value' => (string) $source[ $key ],
			);
		}
	}
	return $pairs;
}

/**
 * Exports the Setia member with this email, with the member's ledger (newest 100 entries).
 *
 * @param string $email Email address.
 * @param int    $page  Page (one page is enough: one member per email and shop).
 * @return array
 */
function setia_loyalty_export_personal_data( $email, $page = 1 ) {
	$done     = array( 'data' => array(), 'done' => true );
	$response = setia_loyalty_api_request( 'GET', '/members?' . http_build_query( array( 'email' => $email ) ) );
	if ( is_wp_error( $response ) || 200 !== $response['status'] || empty( $response['body']['items'] ) ) {
		return $done;  // Nothing Setia could give for this address.
	}
	$member_keys = array( 'id', 'email', 'platform_customer_id', 'points_available', 'points_pending', 'lifetime_points', 'cashback_available', 'cashback_pending', 'currency', 'tier' );
	$entry_keys  = array( 'created_at', 'account', 'state', 'amount', 'kind', 'source', 'reason' );
	foreach ( $response['body']['items'] as $member ) {
		$done['data'][] = array(
			'group_id'    => 'setia-loyalty',
			'group_label' => __( 'Loyalty (Setia)', 'setia-loyalty' ),
			'item_id'     => 'setia-member-' . $member['id'],
			'data'        => setia_loyalty_export_pairs( $member, $member_keys ),
		);
		$ledger = setia_loyalty_api_request( 'GET', '/members/' . absint( $member['id'] ) . '/ledger?page_size=100' );
		if ( is_wp_error( $ledger ) || 200 !== $ledger['status'] || empty( $ledger['body']['items'] ) ) {
			continue;
		}
		foreach ( $ledger['body']['items'] as $index => $entry ) {
			$done['data'][] = array(
				'group_id'    => 'setia-loyalty-ledger',
				'group_label' => __( 'Loyalty points and cashback history (Setia)', 'setia-loyalty' ),
				'item_id'     => 'setia-ledger-' . $member['id'] . '-' . $index,
				'data'        => setia_loyalty_export_pairs( $entry, $entry_keys ),
			);
		}
	}
	return $done;
}

/**
 * Asks Setia to erase the shopper with this email (amounts stay, anonymised).
 *
 * @param string $email Email address.
 * @param int    $page  Page.
 * @return array
 */
function setia_loyalty_erase_personal_data( $email, $page = 1 ) {
	$result   = array(
		'items_removed'  => false,
		'items_retained' => false,
		'messages'       => array(),
		'done'           => true,
	);
	$response = setia_loyalty_api_request(
		'POST',
		'/data-requests',
		array(
			'kind'  => 'customer_redact',
			'email' => $email,
		)
	);
	if ( ! is_wp_error( $response ) && in_array( $response['status'], array( 200, 201, 202 ), true ) ) {
		$result['items_removed'] = true;
		return $result;
	}
	$result['items_retained'] = true;
	$result['messages'][]     = __( 'Setia could not erase this shopper from WordPress: ask the Setia operator to erase the loyalty data.', 'setia-loyalty' );
	return $result;
}
