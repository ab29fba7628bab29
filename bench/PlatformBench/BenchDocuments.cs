namespace AiAspire.PlatformBench;

/// <summary>A small knowledge base for the RAG tenant: the benchmark's question is answered by the billing handbook.</summary>
internal static class BenchDocuments
{
    public static IReadOnlyList<(string Id, string Text)> All { get; } =
    [
        ("billing-handbook", """
            # Billing handbook

            ## Refunds
            Annual plans can be refunded in full within 14 days of purchase. After 14 days, annual plans are refunded
            pro rata for the unused full months, minus a processing fee of 5 percent. Monthly plans are not refunded;
            cancelling a monthly plan stops the next renewal. Refunds are issued to the original payment method within
            10 business days of approval.

            ## Invoices
            Invoices are issued on the first day of each billing period and are due within 30 days. Customers on annual
            plans may ask for a purchase order number to be printed on every invoice.

            ## Plan changes
            Upgrading takes effect at once and the difference is charged pro rata. Downgrading takes effect at the end of
            the current billing period.
            """),
        ("shipping-guide", """
            # Shipping guide

            ## Delivery times
            Standard delivery takes three to five business days within the country and seven to twelve days abroad.
            Express delivery arrives the next business day when ordered before 2 pm.

            ## Returns
            Unopened hardware may be returned within 30 days. The customer pays return shipping unless the item arrived
            damaged, in which case a prepaid label is sent.
            """),
        ("support-policy", """
            # Support policy

            ## Hours
            Support answers chat and e-mail from 8 am to 8 pm on weekdays. Enterprise customers have a phone line that is
            staffed around the clock for incidents of severity one.

            ## Response targets
            Severity one incidents get a first answer within one hour, severity two within four hours, and everything else
            within one business day.
            """),
        ("security-overview", """
            # Security overview

            Customer data is encrypted at rest with AES-256 and in transit with TLS 1.3. Access to production systems
            requires hardware security keys and is logged. Backups are taken every six hours and kept for 35 days in a
            second region. Penetration tests are run twice a year by an outside firm.
            """),
    ];
}
