"""The loyalty domain: earning rules, the ledger, members and orders. No Flask, no HTTP."""
