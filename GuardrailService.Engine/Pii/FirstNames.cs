using System.Collections.Frozen;

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// Common given names (frequent in the US, UK, Europe, Latin America, India and East Asia in romanised form), the
/// offline stand-in for a named-entity model. Names that are everyday English words ("Will", "May", "Mark", "Grace",
/// "Hope", "Bill") are left out: capitalised at a sentence start they would be masked far more often than not.
/// </summary>
public static class FirstNames
{
    public static FrozenSet<string> Known { get; } = new[]
    {
        "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles", "Christopher",
        "Daniel", "Matthew", "Anthony", "Donald", "Steven", "Paul", "Andrew", "Joshua", "Kenneth", "Kevin", "Brian",
        "George", "Timothy", "Ronald", "Edward", "Jason", "Jeffrey", "Ryan", "Jacob", "Gary", "Nicholas", "Eric",
        "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon", "Benjamin", "Samuel", "Gregory", "Alexander",
        "Frank", "Patrick", "Raymond", "Dennis", "Jerry", "Tyler", "Aaron", "Jose", "Adam", "Nathan", "Henry", "Douglas",
        "Zachary", "Peter", "Kyle", "Ethan", "Walter", "Noah", "Jeremy", "Christian", "Keith", "Roger", "Terry", "Gerald",
        "Harold", "Sean", "Austin", "Carl", "Arthur", "Lawrence", "Dylan", "Jesse", "Jordan", "Bryan", "Billy", "Joe",
        "Bruce", "Gabriel", "Logan", "Albert", "Willie", "Alan", "Juan", "Wayne", "Elijah", "Randy", "Roy", "Vincent",
        "Ralph", "Eugene", "Russell", "Bobby", "Mason", "Philip", "Louis", "Oliver", "Harry", "Liam", "Lucas", "Leo",
        "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen", "Lisa",
        "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily", "Donna", "Michelle", "Carol", "Amanda",
        "Dorothy", "Melissa", "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia", "Kathleen", "Amy",
        "Angela", "Shirley", "Anna", "Brenda", "Pamela", "Emma", "Nicole", "Helen", "Samantha", "Katherine", "Christine",
        "Debra", "Rachel", "Carolyn", "Janet", "Catherine", "Maria", "Heather", "Diane", "Ruth", "Julie", "Olivia",
        "Joyce", "Virginia", "Victoria", "Kelly", "Lauren", "Christina", "Joan", "Evelyn", "Judith", "Megan", "Andrea",
        "Cheryl", "Hannah", "Jacqueline", "Martha", "Gloria", "Teresa", "Ann", "Sara", "Madison", "Frances", "Kathryn",
        "Janice", "Jean", "Abigail", "Alice", "Judy", "Sophia", "Julia", "Denise", "Amber", "Doris", "Marilyn",
        "Danielle", "Beverly", "Isabella", "Theresa", "Diana", "Natalie", "Brittany", "Charlotte", "Marie", "Kayla",
        "Alexis", "Lori", "Jane", "Chloe", "Mia", "Ava", "Zoe", "Lucy", "Sophie", "Ella", "Amelia", "Isla", "Freya",
        "Hans", "Klaus", "Jürgen", "Stefan", "Wolfgang", "Andreas", "Uwe", "Markus", "Matthias", "Sebastian", "Lukas",
        "Ursula", "Monika", "Sabine", "Petra", "Claudia", "Katrin", "Anja", "Julia", "Lena", "Jean-Pierre", "Pierre",
        "Jacques", "François", "Nicolas", "Philippe", "Isabelle", "Sylvie", "Nathalie", "Camille", "Giuseppe",
        "Giovanni", "Antonio", "Marco", "Luca", "Francesca", "Giulia", "Chiara", "Alessandro", "Carlos", "Luis",
        "Miguel", "Javier", "Alejandro", "Pablo", "Sofia", "Lucia", "Carmen", "Ana", "Isabel", "Pedro", "João",
        "Mateus", "Gabriela", "Fernanda", "Rahul", "Amit", "Priya", "Anjali", "Raj", "Sanjay", "Vikram", "Deepak",
        "Ananya", "Wei", "Li", "Ming", "Hiroshi", "Takashi", "Yuki", "Haruto", "Sakura", "Min-jun", "Ji-woo", "Seo-yeon",
        "Mohammed", "Muhammad", "Ahmed", "Ali", "Omar", "Fatima", "Aisha", "Yusuf", "Ibrahim", "Olga", "Ivan", "Dmitri",
        "Sergei", "Natasha", "Anastasia", "Piotr", "Katarzyna", "Agnieszka", "Lars", "Erik", "Ingrid", "Astrid",
        "Sven", "Bjorn", "Mikko", "Aino", "Kwame", "Chinedu", "Ngozi", "Thabo",
    }.ToFrozenSet(StringComparer.Ordinal);
}
