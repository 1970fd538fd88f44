"""The Admin GraphQL documents Setia sends (API version 2026-07). Each stays valid against Shopify's
schema, within 1,000 requested points and within the scopes the app asks for: tests/unit/
test_shopify_documents.py checks them all against the real schema (docs/shopify.md, section 8)."""

SHOP_QUERY = """
query SetiaShop {
  shop { name email currencyCode ianaTimezone }
}
"""

# Asked on its own: shopLocales needs `read_locales`, which a custom app may lack, and a refusal must
# not cost the shop its name and currency (store credit would go out in USD).
LOCALES_QUERY = """
query SetiaShopLocales {
  shopLocales { locale primary }
}
"""

WEBHOOKS_QUERY = """
query SetiaWebhooks($after: String) {
  webhookSubscriptions(first: 100, after: $after) {
    nodes { id topic uri }
    pageInfo { hasNextPage endCursor }
  }
}
"""

WEBHOOK_CREATE = """
mutation SetiaWebhookCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}
"""


# Single-customer codes use `context` at 2026-07: `customerSelection` is deprecated (research/shopify.md §4.1).
DISCOUNT_CREATE = """
mutation SetiaDiscountCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}
"""

FREE_SHIPPING_CREATE = """
mutation SetiaFreeShippingCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {
  discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}
"""

# Adds codes to an existing discount (the shop's friend discount: every advocate's code), asynchronously.
REDEEM_CODES_ADD = """
mutation SetiaRedeemCodesAdd($discountId: ID!, $codes: [DiscountRedeemCodeInput!]!) {
  discountRedeemCodeBulkAdd(discountId: $discountId, codes: $codes) {
    bulkCreation { id }
    userErrors { field code message }
  }
}
"""

DISCOUNT_BY_CODE = """
query SetiaDiscountByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) {
    id
    codeDiscount { ... on DiscountCodeBasic { title } ... on DiscountCodeFreeShipping { title } }
  }
}
"""

STORE_CREDIT = """
mutation SetiaStoreCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
  storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
    storeCreditAccountTransaction { id amount { amount currencyCode } }
    userErrors { field code message }
  }
}
"""

# Requested cost 2 + 25 x 30 = 752 points, under Shopify's 1,000 per query (docs/shopify.md, "Limits").
# Five shipping lines per order: more are unheard of, and a missing one only leaves its tax in the basis
# deduction (fewer points, never more).
ORDERS_QUERY = """
query SetiaOrders($query: String!, $after: String) {
  orders(first: 25, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id name email updatedAt processedAt cancelledAt displayFinancialStatus test taxesIncluded discountCodes
      currentSubtotalPriceSet { shopMoney { amount currencyCode } }
      currentTotalTaxSet { shopMoney { amount currencyCode } }
      shippingLines(first: 5) { nodes { taxLines { priceSet { shopMoney { amount currencyCode } } } } }
      customer { id firstName lastName defaultEmailAddress { emailAddress } }
      refunds { id }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

# The unboxing card on the order (docs/unboxing.md): its code and scan link as order metafields
# (namespace `setia`; Order Printer and notification emails read `order.metafields.setia.*`), and
# when the merchant opts in, a note attribute and a line appended to the order note (the native
# packing slip prints `order.note`). Both need `write_orders`.
ORDER_METAFIELDS_SET = """
mutation SetiaOrderMetafields($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { key namespace value }
    userErrors { field code message }
  }
}
"""

METAFIELD_DEFINITION_CREATE = """
mutation SetiaMetafieldDefinition($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) {
    createdDefinition { id }
    userErrors { field code message }
  }
}
"""

ORDER_NOTE_QUERY = """
query SetiaOrderNote($id: ID!) {
  order(id: $id) { id note customAttributes { key value } }
}
"""

ORDER_UPDATE = """
mutation SetiaOrderUpdate($input: OrderInput!) {
  orderUpdate(input: $input) {
    order { id }
    userErrors { field message }
  }
}
"""
