using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

public class DateOfBirthRecognizerTests
{
    [Theory]
    [InlineData("DOB: 1984-03-07", "1984-03-07")]
    [InlineData("I was born on 7 March 1984 in Leeds", "7 March 1984")]
    [InlineData("Date of birth 03/07/1984.", "03/07/1984")]
    [InlineData("birthday: March 7th, 1984", "March 7th, 1984")]
    [InlineData("Geburtsdatum 07.03.1984", "07.03.1984")]
    public void Analyze_DateAfterABirthWord_IsADateOfBirth(string text, string expected)
    {
        Assert.Equal([expected], Found.Values(text, PiiTypes.DateOfBirth));
    }

    [Theory]
    [InlineData("The meeting is on 7 March 2024.")]
    [InlineData("Invoice date 2019-11-30")]
    [InlineData("born on 31/02/1984")]       // no 31 February
    [InlineData("born on 1 January 2999")]   // in the future
    public void Analyze_OtherDates_AreNotDatesOfBirth(string text)
    {
        Assert.Empty(Found.Values(text, PiiTypes.DateOfBirth));
    }
}
