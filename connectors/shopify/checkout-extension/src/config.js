// Setia's public base URL (APP_URL). Replace before `shopify app build`, like the URLs in
// connectors/shopify/shopify.app.toml; the extension may only fetch from it (network access).
export const APP_URL = 'https://setia.example.com';
