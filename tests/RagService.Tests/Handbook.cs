namespace AiAspire.RagService.Tests;

internal static class Handbook
{
    public const string Markdown = """
        # Acme Employee Handbook

        Welcome to Acme. This handbook explains how we work together and what you can expect from us.

        ## Time off

        ### Vacation

        Full-time employees receive 25 days of paid vacation per calendar year. Unused vacation days can be carried over
        until March 31 of the following year. Request vacation in the HR portal at least two weeks in advance.

        ### Sick leave

        If you are ill, tell your manager before 10:00 on the first day of absence. From the fourth consecutive day of
        illness a doctor's certificate is required.

        ## Expenses

        Travel costs are reimbursed within 30 days. Submit receipts through the finance portal no later than one month
        after the trip. Economy class is the default for flights shorter than six hours.

        ## Equipment

        Every employee receives a laptop on the first day. Lost or stolen equipment must be reported to IT security
        within 24 hours so that the device can be locked remotely.

        ## Remote work

        Employees may work from home up to three days per week after agreeing on a schedule with their team.
        """;

    public const string Root = "Acme Employee Handbook";
}
