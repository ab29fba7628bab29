namespace AiAspire.GuardrailService.Pii;

/// <summary>Finding types; they also name the placeholders (<c>&lt;EMAIL_1&gt;</c>), so upper snake case only.</summary>
public static class PiiTypes
{
    public const string Email = "EMAIL";
    public const string CreditCard = "CREDIT_CARD";
    public const string Phone = "PHONE_NUMBER";
    public const string Iban = "IBAN";
    public const string UsSsn = "US_SSN";
    public const string IpAddress = "IP_ADDRESS";
    public const string UrlCredentials = "URL_CREDENTIALS";
    public const string ApiKey = "API_KEY";
    public const string AwsAccessKey = "AWS_ACCESS_KEY";
    public const string Jwt = "JWT";
    public const string PrivateKey = "PRIVATE_KEY";
    public const string Password = "PASSWORD";
    public const string DateOfBirth = "DATE_OF_BIRTH";
    public const string Person = "PERSON";
    public const string StreetAddress = "STREET_ADDRESS";

    public static IReadOnlyList<string> All { get; } =
    [
        Email, CreditCard, Phone, Iban, UsSsn, IpAddress, UrlCredentials, ApiKey, AwsAccessKey, Jwt, PrivateKey,
        Password, DateOfBirth, Person, StreetAddress,
    ];
}
