"""Facts about the original Pinterest source tables that the synthetic generator reproduces.

Derived once, by hand and with a throwaway script, from the real rows in
``../shared/seed-data/aicore-rds`` (11,154 users and geolocations, 5,464 recovered pins).
Nothing here is read from that folder at run time and no row is copied: these are
lists, ranges and frequencies, so that the generated data has the real data's shape
and dirt (placeholder strings, follower counts as ``12k``/``2M`` strings) without
shipping the data itself. Weights are raw counts from the sample; the generator
normalises them.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    """Long word pools are written as one string so this file stays short to read."""
    return text.split()


def _split(text: str, sep: str) -> list[str]:
    """Pools whose items contain spaces (countries, tags) are one ``sep``-joined string."""
    return [item.strip() for item in text.split(sep) if item.strip()]


PLACEHOLDERS: dict[str, str] = {
    "title_missing": "No Title Data Available",
    "title_untitled": "Untitled",
    "description_story": "No description available Story format",
    "description_missing": "No description available",
    "user_info_error": "User Info Error",
    "image_src_error": "Image src error.",
    "tags_missing": "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e",
}
"""The original scraper's "no value" strings, as they appear in the raw rows."""

CATEGORY_WEIGHTS: dict[str, int] = {
    "art": 446,
    "beauty": 364,
    "christmas": 515,
    "diy-and-crafts": 401,
    "education": 414,
    "event-planning": 377,
    "finance": 385,
    "home-decor": 395,
    "mens-fashion": 438,
    "quotes": 475,
    "tattoos": 459,
    "travel": 440,
    "vehicles": 355,
}

COUNTRIES: list[str] = _split(
    "Afghanistan; Albania; Algeria; American Samoa; Andorra; Angola; Anguilla; Antarctica "
    "(the territory South of 60 deg S); Antigua and Barbuda; Argentina; Armenia; Aruba; "
    "Australia; Austria; Azerbaijan; Bahamas; Bahrain; Bangladesh; Barbados; Belarus; "
    "Belgium; Belize; Benin; Bermuda; Bhutan; Bolivia; Bosnia and Herzegovina; Botswana; "
    "Bouvet Island (Bouvetoya); Brazil; British Indian Ocean Territory (Chagos "
    "Archipelago); British Virgin Islands; Brunei Darussalam; Bulgaria; Burkina Faso; "
    "Burundi; Cambodia; Cameroon; Canada; Cape Verde; Cayman Islands; Central African "
    "Republic; Chad; Chile; China; Christmas Island; Cocos (Keeling) Islands; Colombia; "
    "Comoros; Congo; Cook Islands; Costa Rica; Cote d'Ivoire; Croatia; Cuba; Cyprus; Czech "
    "Republic; Denmark; Djibouti; Dominica; Dominican Republic; Ecuador; Egypt; El "
    "Salvador; Equatorial Guinea; Eritrea; Estonia; Ethiopia; Falkland Islands (Malvinas); "
    "Faroe Islands; Fiji; Finland; France; French Guiana; French Polynesia; French Southern"
    " Territories; Gabon; Gambia; Georgia; Germany; Ghana; Gibraltar; Greece; Greenland; "
    "Grenada; Guadeloupe; Guam; Guatemala; Guernsey; Guinea; Guinea-Bissau; Guyana; Haiti; "
    "Heard Island and McDonald Islands; Holy See (Vatican City State); Honduras; Hong Kong;"
    " Hungary; Iceland; India; Indonesia; Iran; Iraq; Ireland; Isle of Man; Israel; Italy; "
    "Jamaica; Japan; Jersey; Jordan; Kazakhstan; Kenya; Kiribati; Korea; Kuwait; Kyrgyz "
    "Republic; Lao People's Democratic Republic; Latvia; Lebanon; Lesotho; Liberia; Libyan "
    "Arab Jamahiriya; Liechtenstein; Lithuania; Luxembourg; Macao; Macedonia; Madagascar; "
    "Malawi; Malaysia; Maldives; Mali; Malta; Marshall Islands; Martinique; Mauritania; "
    "Mauritius; Mayotte; Mexico; Micronesia; Moldova; Monaco; Mongolia; Montenegro; "
    "Montserrat; Morocco; Mozambique; Myanmar; Namibia; Nauru; Nepal; Netherlands; "
    "Netherlands Antilles; New Caledonia; New Zealand; Nicaragua; Niger; Nigeria; Niue; "
    "Norfolk Island; Northern Mariana Islands; Norway; Oman; Pakistan; Palau; Palestinian "
    "Territory; Panama; Papua New Guinea; Paraguay; Peru; Philippines; Pitcairn Islands; "
    "Poland; Portugal; Puerto Rico; Qatar; Reunion; Romania; Russian Federation; Rwanda; "
    "Saint Barthelemy; Saint Helena; Saint Kitts and Nevis; Saint Lucia; Saint Martin; "
    "Saint Pierre and Miquelon; Saint Vincent and the Grenadines; Samoa; San Marino; Sao "
    "Tome and Principe; Saudi Arabia; Senegal; Serbia; Seychelles; Sierra Leone; Singapore;"
    " Slovakia (Slovak Republic); Slovenia; Solomon Islands; Somalia; South Africa; South "
    "Georgia and the South Sandwich Islands; Spain; Sri Lanka; Sudan; Suriname; Svalbard & "
    "Jan Mayen Islands; Swaziland; Sweden; Switzerland; Syrian Arab Republic; Taiwan; "
    "Tajikistan; Tanzania; Thailand; Timor-Leste; Togo; Tokelau; Tonga; Trinidad and "
    "Tobago; Tunisia; Turkey; Turkmenistan; Turks and Caicos Islands; Tuvalu; Uganda; "
    "Ukraine; United Arab Emirates; United Kingdom; United States Minor Outlying Islands; "
    "United States Virgin Islands; United States of America; Uruguay; Uzbekistan; Vanuatu; "
    "Venezuela; Vietnam; Wallis and Futuna; Western Sahara; Yemen; Zambia; Zimbabwe; ",
    sep=";",
)

FIRST_NAMES: list[str] = _words(
    "Michael Christopher David John James Amanda Jennifer Anthony Angela Andrew Brian "
    "Daniel Ashley Robert Brandon Amy Karen Jessica Matthew Elizabeth Jason Joseph "
    "Charles Michelle Aaron Lisa William Jeffrey Kevin Joshua Mark Adam Sarah Steven "
    "Amber Mary Thomas Melissa Scott Richard Kelly Heather Kimberly Christina Andrea "
    "Timothy Alexander Benjamin Eric Nicholas April Danielle Gregory Justin Rebecca "
    "Julie Emily Jonathan Laura Cynthia Courtney Jose Donald Katherine Bradley Kenneth "
    "Brittany Abigail Jamie Barbara Nicole Patricia Jacob Catherine Alexandra Jeremy "
    "Stephanie Paul Ryan Brenda Dawn Anna Rachel Alicia Susan Peter Sara Antonio Alexis"
    " Tyler Diana Erin Jacqueline Shannon Crystal Kyle Stephen Lauren Donna Linda "
    "Alison Deborah Christine Bryan Nancy Debra Pamela Anne Maria Gary Ann Samantha "
    "Victoria Kathleen Carol Megan Sharon Alex Frank Sandra Alan Austin Carrie Tiffany "
    "Wendy Patrick Stacy Monica Chad Tammy Hannah Kathryn Tina Cindy Sherry Sean Dana "
    "Kristen Nathan Valerie Holly Jeffery Alyssa Brent Jasmine Taylor Christian Haley "
    "Cassandra Cheryl Katie Erica Carlos Renee Edward Margaret Zachary Robin Juan "
    "Lindsey Larry Joel Brooke Todd Leslie Ronald Samuel Steve Jesse Lori Kayla Cody "
    "Shawn Brad Natasha Jill Carla Chelsea Martin Tracy Gina Kathy Kristin Allen Keith "
    "George Kim Erik Allison Adrian Albert Melanie Jon Joyce Mario Carl Arthur Bruce "
    "Denise Sheila Craig Debbie Randy Dylan Corey Morgan Veronica Jack Brett Caitlin "
    "Andre Gloria Jay Bonnie Beth Alice Luis Barry Derek Isaac Jerry Shane Diane Deanna"
    " Stacey Madison Dale Derrick Douglas Brianna Colleen Casey Cameron Marcus Marissa "
    "Natalie Julia Kristina Marie Jordan Darryl Brandi Chase Travis Meghan Alexandria "
    "Blake Lucas Carolyn Rhonda Bobby Dustin Noah Annette Katrina Vanessa Joanna Billy "
    "Lindsay Tara Garrett Devin Ariel Michele Janet Kara Molly Chris Jeremiah Destiny "
    "Mariah Adrienne Janice Becky Micheal Autumn Felicia Bailey Caleb Grace Glenn Lance"
    " Candice Phillip Darrell Collin Audrey Henry Gabrielle Ana Emma Miguel Carmen Mike"
    " Clinton Heidi Lynn Evan Laurie Rebekah Alejandro Sierra Terri Hector Jenna Johnny"
    " Theresa Gerald Bernard Calvin Tonya Anita Raymond Kendra Cathy Vincent Ruth Grant"
    " Toni Cory Walter Shelby Teresa Luke Marc Jenny Penny Tanya Jane Louis Joann Angel"
    " Tommy Charlotte Roy Katelyn Jared Victor Lonnie Sydney Savannah Wayne Russell "
    "Gabriella Virginia Paula Brittney Ariana Manuel Jackie Clayton Mindy Oscar Desiree"
    " Dennis Roberto Lee Cheyenne Julian Bridget Sonya Elijah Philip Mathew Kylie "
    "Monique Angie Darius Cristina Kaitlyn Leah Francisco Joan Kerri Breanna Melinda "
    "Erika Clarence Misty Ernest Bethany Tom Jimmy Olivia Brendan Latasha Andres Aimee "
    "Nina Meredith Evelyn Claudia Herbert Fernando Yolanda Alfred Omar Drew Curtis "
    "Regina Tim Jaime Judith Johnathan Sally Marvin Robyn Frances Rodney Jesus Jake "
    "Kurt Sophia Marilyn Parker Briana Ashlee Darin Kristie Kerry Eileen Tony Dave "
    "Jaclyn Rose Connie Kelli Isaiah Betty Lorraine Brandy Ruben Randall Tami Caroline "
    "Glenda Miranda Danny Tammie Kari Shelly Seth Joe Isabella Malik Dominique Devon Jo"
    " Ronnie Francis Lydia Krystal Mackenzie Ian Vernon Lawrence Wesley Sheryl Eduardo "
    "Sylvia Whitney Tanner Loretta Ray Jeanette Elaine Patty Mitchell Peggy Jeff "
    "Maurice Dalton Yvonne Helen Kristy Gabriel Roberta Vickie Joanne Hailey Judy "
    "Shelley Roger Gail Jodi Nathaniel Rachael Gordon Charlene Belinda Chloe Cesar "
    "Gilbert Ricky Tyrone Kelsey Wanda Ricardo Suzanne Carly Ross Bianca Nichole Edwin "
    "Claire Duane Dorothy Rita Cole Jody Guy Angelica Karina Edgar Bryce Tristan Hunter"
    " Christy Hayden Traci Neil Xavier Kristi Tamara Kristine Spencer Kiara Joy "
    "Frederick Colin Stanley Tracie Theodore Madeline Gene Harold Diamond Hayley Sheri "
    "Jackson Jonathon Selena Caitlyn Marcia Dillon Troy Martha Beverly Alec Vicki "
    "Krista Norman Nicolas Logan Alvin Alejandra Bob Jeanne Cassidy Melvin Don Sheena "
    "Willie Jillian Christie Sandy Sabrina Jermaine Dakota Max Faith Kirk Greg Maxwell "
    "Preston Javier Meagan Isabel Warren Candace Kaylee Tracey Earl Bill Dean Alexa "
    "Melody Howard Brady Jean Darren Colton Kaitlin Gwendolyn Darlene "
)

LAST_NAMES: list[str] = _words(
    "Brown Johnson Smith Anderson Jones Davis Garcia Adams Miller Allen Williams Lopez "
    "Gonzalez Rodriguez Thompson Jackson Thomas Hernandez Baker Taylor Martinez Bailey "
    "Martin Wilson Harris Carter King Campbell Clark Lee Collins Hill Cook White Moore "
    "Flores Nelson Hall Perez Edwards Barnes Bell Foster Bennett Walker Green Hughes "
    "Young Lewis Dixon Howard Robinson Brooks Morris Scott Daniels Alvarez Patterson "
    "Evans Cruz Gutierrez Torres Hawkins Cooper Peterson Mitchell Reyes Gomez "
    "Richardson Alexander George Jordan Morales Ward Murphy Hunt Ramirez Gray Andrews "
    "Butler Bryant West Griffin Sanchez Barker Stewart Long Roberts Bates Ramos "
    "Henderson Reynolds Ross Rogers James Woods Graham Hamilton Brewer Cole Crawford "
    "Burke Buchanan Arnold Herrera Aguilar Cox Carlson Patel Russell Armstrong Black "
    "Shaw Carpenter Powell Burns Duncan Wallace Webb Chavez Gibson Gardner Coleman Dean"
    " Kennedy Harrison Hanson Grant Cortez Fox Bowman Erickson Wood Snyder Gregory Vega"
    " Ortiz Hart Howell Casey Olson Mills Boyd Diaz Jenkins Gordon Stevens Ellis Chan "
    "Wright Marsh Fisher Hammond Chapman Marshall Greene Fields Berry Turner Kelly Page"
    " Dunn Perkins Craig Ford Carroll Atkinson Hudson Rivera Garza Sanders Newman "
    "Valdez Perry Price Blanchard Acosta Holmes Doyle Robertson Brady Ruiz Guzman "
    "Little Hunter Becker Fernandez Allison Sullivan Murray Lawson Moreno Wade Estrada "
    "Banks Mccarthy Burton Parker Jimenez Davidson Sparks Watson Morgan Nguyen Simmons "
    "Matthews Freeman Buck Bradley Barrett Kim Phillips Gonzales Beck Pena Silva Mendez"
    " Payne Bowen Weber Atkins Castillo Larson Schmidt Franco Castro Ayala Pacheco Chen"
    " Barry Hancock Richards Cunningham Mckee Berg Elliott Nichols Barnett Bentley "
    "Meyer Jennings Frye Gross Cline Townsend Obrien Jefferson Horton Hubbard Reed "
    "Floyd Oliver Dickson Combs Curtis Dawson Wong Cannon Hopkins Henry Mason Wagner "
    "Ray Delgado Lyons Jensen Fuller Powers Ryan Bishop Hansen Tran Franklin May "
    "Cervantes Rojas Bartlett Beard Keller Fletcher Parsons Burch Knox Gillespie Myers "
    "Tate Ballard Ferrell Ochoa Nash Leach Fuentes Mcdaniel Mclaughlin Logan Riley "
    "Hayes Stone Gamble Guerrero Day Neal Washington Leon Briggs Bond Heath Francis "
    "Robbins Arroyo Rich Arellano Cummings Palmer Golden Park Mckinney Hampton Conley "
    "Oconnor Malone Caldwell Acevedo Tucker Chandler Mccoy Stephens Lang Clarke Lucas "
    "Simpson Vance Benjamin Orozco Cochran Barr Medina Buckley Abbott Ali Mcmahon "
    "Barber Mendoza Middleton Summers Graves Harper Miles Mccullough Pitts Wheeler Hale"
    " Bray Lane Avila Bauer Navarro Roth Quinn Baldwin Benton Case Ferguson Griffith "
    "Walls Nicholson Anthony Curry Aguirre Carr Rios Mccormick Vaughn Mueller Hebert "
    "Mora Barton Frazier Munoz Warner Spencer Ramsey Holt Booker Wise Stark Prince Hays"
    " Walters Terry Greer Harvey Wells Alvarado Sutton Burnett Schroeder Leonard Molina"
    " Rhodes Estes Barron Bender Joseph Bullock Morrow Jacobson Hicks Pruitt Chung "
    "Manning Carson Montgomery Fitzpatrick Boyer Lam Chase Wu Hendricks Bridges Mejia "
    "Dennis Chang Sharp Huerta Austin Huffman Espinoza Luna Donovan Pineda Gilbert "
    "Figueroa Schwartz Douglas Simon Clayton Friedman Moon Le Mcdonald Johnston "
    "Contreras Santiago Faulkner Benitez Conner Adkins Kelley Donaldson Rivas Horne "
    "Bird Calderon Mcbride Santos Villarreal Schneider Knight Odom Rowland Morrison "
    "Santana Gallagher Carney Bean Moody Monroe Sweeney Duarte Peck Gilmore Trujillo "
    "Velez Lloyd Brennan Sherman Bowers Rodgers Byrd Goodman Hodges Swanson Sanford "
    "Dominguez Goodwin Hines Branch Calhoun Pope Valencia Harmon Baxter Howe Rowe "
    "Conrad Kemp Cobb Browning Schmitt Reese Romero Delacruz Pugh Melton Yoder Noble "
    "York Tanner Duran Cardenas Horn Norman Li Hoffman Strickland Ball Bright Bradshaw "
    "Braun Phelps Walter Klein Drake Holder Nolan Cohen Gibbs Collier Herman Dodson "
    "Boone Garrett Burgess Christensen Vargas Moran Short Levine English Lindsey "
    "Bradford Fowler Holloway Benson Harrington Randall Watkins Pierce Parks Stout "
    "Schultz Osborne Downs Church Roy Patrick Frederick Moses Sampson Mays Shea Durham "
    "Mata Soto Weiss Richmond Livingston Hanna Glass Paul Newton Blake Willis Owens "
    "Hardy Padilla Hooper Ashley Wiley Farrell Henson Bautista Rubio Mcdowell Hartman "
    "Fleming Chambers Hutchinson Beasley Liu Harrell Charles Carey Kline Kirk Krause "
    "Montoya Peters Watts Hurley Fitzgerald Farley Compton Krueger Blair Macdonald "
    "Fischer Winters Blevins Lester Crosby Mahoney Huff Stokes Villa Blackwell Porter "
    "Sims Pennington Sheppard Hogan Holden Cain Mcfarland Camacho Dalton Strong Mack "
    "Everett Love Leblanc Herring Wolf Saunders Gentry Parrish Yang Jacobs Poole Levy "
    "Nunez Daniel Galvan Lambert Bonilla Montes Joyce Whitaker Flynn Haynes Stevenson "
    "Blankenship Gates Lawrence Warren Glover Moss Vang Sosa Morton Mercado Walton "
    "Mcintosh Bush Gallegos Houston Mclean Booth Knapp Maldonado Savage Singleton Best "
    "Mathews Rice Ibarra Norris Pratt Cabrera Kent Riggs Decker Hood Ortega Webster "
    "Esparza Shelton Coffey Solis Stanley Cherry Reeves Villanueva Haas Snow Davies "
    "Rose Cameron Ware Welch Cuevas Ayers Pham Russo Rosario Thornton Lowe Huynh "
    "Davenport Mckenzie Lucero Morse Trevino Campos Hodge Cordova Melendez Frost Gaines"
    " Marks Mullins Underwood Marquez Williamson Keith Jarvis Walsh Pearson Yu Mann "
    "French Hensley Stanton Orr Bass Vincent Castaneda Wall Stuart Sloan Finley Richard"
    " Archer Colon Carrillo Dougherty Salas Kidd Sawyer Mcpherson Rasmussen Dunlap "
    "Escobar Barajas Lynn Foley Valentine Good Bryan Reid Forbes Duffy Salazar Woodard "
    "Harding Garrison Murillo Avery Andersen Conway Cooke Steele Cisneros Dyer David "
    "Christian Berger Shaffer Clements Flowers Ingram Andrade Tyler Mayer Lozano Choi "
    "Macias Velasquez Ho Olsen Stein Crane Huang Novak Lutz Shannon Kirby Mckay Singh "
    "Whitney Cowan Skinner Larsen Shah Bernard Hester Vasquez Hardin Kramer Zuniga "
    "Mcclure Werner Norton Guerra Nixon Stafford Zamora Mcmillan Woodward Spence Mooney"
    " Huber Mcclain Cross Brandt Weaver Owen Mullen Grimes Khan Roman Arias Davila "
    "Chaney Preston Waller Dillon Mcguire Waters Gay Petersen Vaughan Pollard Ritter "
    "Petty Whitehead Mcconnell Randolph Oneal Hess Zhang Hull Rivers Villegas "
    "Valenzuela Mcintyre Todd Clay Madden Miranda Duke Oneill Spears Kerr Ewing Mosley "
    "Koch Landry Yates Mccarty Wang Robles Terrell Humphrey Giles House Wilcox Bolton "
    "Copeland Haley Meadows Cantu Dorsey Meza Roberson Sandoval Kaiser Higgins Costa "
    "Rocha Wilkerson Baird Zimmerman Galloway Pace Gill Potts Mcknight Callahan Johns "
    "Hurst Patton Hayden Osborn Riddle Blackburn Nielsen Small Frank Deleon Holland "
    "Ellison Haney Lynch Mccann Mathis Lin Farmer Rangel Mccall Potter Maxwell Meyers "
    "Shepherd Irwin Mcgee "
)

AGE_WEIGHTS: tuple[int, ...] = (
    255,
    226,
    188,
    187,
    154,
    179,
    132,
    144,
    158,
    144,
    151,
    132,
    160,
    133,
    130,
    128,
    118,
    135,
    123,
    117,
    131,
    99,
    139,
    108,
    110,
    127,
    94,
    107,
    107,
    110,
    117,
    97,
    116,
    106,
    83,
    108,
    94,
    94,
    88,
    90,
    88,
)

JOIN_QUARTERS: tuple[str, ...] = (
    "2015Q4",
    "2016Q1",
    "2016Q2",
    "2016Q3",
    "2016Q4",
    "2017Q1",
    "2017Q2",
    "2017Q3",
    "2017Q4",
)

JOIN_QUARTER_WEIGHTS_BY_AGE_BAND: tuple[tuple[int, ...], ...] = (
    (302, 213, 177, 119, 101, 92, 91, 74, 20),
    (230, 225, 204, 180, 150, 131, 143, 126, 23),
    (164, 176, 164, 143, 140, 148, 123, 127, 22),
    (145, 195, 180, 193, 200, 178, 179, 193, 36),
)

LATITUDE_SEXTILE_WEIGHTS = (1340, 1001, 820, 774, 698, 674)

LONGITUDE_SEXTILE_WEIGHTS = (1295, 1016, 846, 808, 699, 643)

MEDIA_TYPE_WEIGHTS = {"image": 4873, "video": 154, "multi-video(story page format)": 430}

RATES = {
    "title_missing_story": 0.0884,
    "untitled": 0.00018,
    "description_story": 0.9581,
    "description_missing_image": 0.0163,
    "tags_missing_image": 0.0062,
    "tags_missing_video": 0.0195,
    "tags_missing_story": 0.1023,
    "image_src_error_story": 0.3023,
    "user_info_error": 0.0068,
    "not_downloaded_valid_src": 0.0044,
    "description_truncated": 0.403,
}

FOLLOWER_FORMAT_WEIGHTS = {"k": 0.717, "plain": 0.202, "M": 0.081}

FOLLOWER_K_QUANTILES = (1.0, 4.0, 11.0, 45.0, 190.0, 565.0, 991.0)

FOLLOWER_PLAIN_QUANTILES = (0.0, 5.0, 27.0, 156.5, 399.0, 740.5, 997.0)

FOLLOWER_M_WEIGHTS = {1: 79, 2: 182, 3: 25, 4: 26, 5: 99, 6: 6, 7: 1, 8: 16, 15: 5}

TITLE_WORDS_PER_TITLE = (3.0, 6.0, 9.0, 11.0, 14.0)

DESCRIPTION_MAX_CHARS = 184

TITLE_WORDS: dict[str, list[str]] = {
    "art": _words(
        "art painting artist kids wall print watercolor canvas abstract easy project "
        "make paint acrylic ideas paintings fun chalk home projects beginners paper "
        "drawings flowers draw nature inspired heart beautiful create best drawing "
    ),
    "beauty": _words(
        "beauty skin makeup products natural face hair tips homemade best care skincare"
        " hacks make use mask routine should beautiful oil scrub easy life foundation "
        "facial clean drugstore every top get eye need "
    ),
    "christmas": _words(
        "christmas tree ideas decor make ornaments decorations holiday easy home "
        "ornament best trees farmhouse kids free decoration craft tour white decorating"
        " party gift crafts red table garland outdoor gnome winter lights room "
    ),
    "diy-and-crafts": _words(
        "kids craft crafts christmas make easy paper ideas fun plate halloween tree art"
        " ornaments sell simple idea best free pom fall turkey handprint stick "
        "activities creative popsicle kid toddler summer winter activity "
    ),
    "education": _words(
        "education classroom free special teaching kids learning activities educational"
        " math teacher homeschool teach tips games students teachers skills printable "
        "know charts anchor school best using strategies ideas ways grade first work "
        "social "
    ),
    "event-planning": _words(
        "wedding event planning party ideas business planner planners tips birthday "
        "best ways balloon start decorations small balloons led home budget free events"
        " backdrop rose pointers pink love new need graduation sign decoration "
    ),
    "finance": _words(
        "money budget debt financial finance tips make personal habits steps off best "
        "finances dividends income simple save pay investing free beginners living "
        "things budgeting dividend need rich should ways credit stop saving "
    ),
    "home-decor": _words(
        "decor home ideas farmhouse wall room decorating kitchen design bathroom modern"
        " style fall art living tour bedroom small black christmas cottage simple table"
        " best house cozy entryway rustic shelf summer easy pro "
    ),
    "mens-fashion": _words(
        "men fashion casual style outfits shirt mens outfit winter ideas jacket long "
        "coat black street wear fall dress dark navy watch photos new stylish wool fit "
        "clothing suit green looks pants mode "
    ),
    "quotes": _words(
        "quotes love life best day make inspirational help motivational relationship "
        "get feel inspire self someone need inspiring heart things like funny want down"
        " positive beautiful writing romantic girl quote never daily people "
    ),
    "tattoos": _words(
        "tattoos tattoo ideas best women designs top inspiration guide small love cute "
        "stunning life flower design moon meanings finger art sticker minimalist "
        "tatuajes ink girls tatouage que fashion unique beautiful pour butterfly "
    ),
    "travel": _words(
        "travel things best visit places guide itinerary list italy ultimate trip "
        "bucket day destinations tips europe budget coast see traveling beautiful where"
        " must road trips national greece iceland know top days first "
    ),
    "vehicles": _words(
        "car cars vehicle design vehicles concept sale photos truck road type "
        "lamborghini ford luxury off photo mustang rover best suburban new tesla suv "
        "armored porsche classic sports wheels black jeep jaguar electric "
    ),
}

DESCRIPTION_WORDS: dict[str, list[str]] = {
    "art": _words(
        "easy painting create artist kids project wall make beautiful canvas learn "
        "paint step watercolor print home love ideas colors abstract acrylic artists "
        "projects great tutorial drawing inspired simple perfect paintings using "
        "flowers "
    ),
    "beauty": _words(
        "skin beauty makeup products natural skincare make best hair tips face easy "
        "care know look time homemade need free love routine acne like simple beautiful"
        " perfect work made home good great facial "
    ),
    "christmas": _words(
        "christmas make ideas tree holiday decor easy home ornaments perfect "
        "decorations craft love trees decorating kids festive year season simple cute "
        "gift farmhouse best beautiful family create free party look great decorate "
    ),
    "diy-and-crafts": _words(
        "craft kids make easy crafts christmas cute love paper perfect great ideas "
        "simple adorable halloween tree toddlers using preschoolers activity create "
        "free making little tutorial project learn home plate fall winter preschool "
    ),
    "education": _words(
        "education students free classroom kids special great learning help teaching "
        "activities teachers school teach learn ideas skills easy work printable "
        "educational many grade time high math need love quality first teacher reading "
    ),
    "event-planning": _words(
        "event wedding planning party business ideas planner make events perfect love "
        "birthday need beautiful plan list tips balloons free easy know guests home "
        "budget planners great create being best look start weddings "
    ),
    "finance": _words(
        "money tips budget debt financial finances learn finance personal make help "
        "save best investing start want income saving living need budgeting check free "
        "life steps know simple wealth easy become passive live "
    ),
    "home-decor": _words(
        "home decor ideas farmhouse decorating room style beautiful modern simple wall "
        "design kitchen love bedroom rustic living perfect easy great fall entryway "
        "piece look decorate come accent cozy colors bathroom latest christmas "
    ),
    "mens-fashion": _words(
        "fashion style casual look shirt mens outfit ideas outfits design inspired "
        "winter blog street menswear best length jacket leather name wear material fall"
        " inspiration type season wardrobe sleeve black cotton time stylish "
    ),
    "quotes": _words(
        "quotes love inspirational best relationship life help being make quote "
        "everything words need blog someone inspiration self time lifestyle "
        "motivational through modern want women breakups parents rules amazing because "
        "feel discusses look "
    ),
    "tattoos": _words(
        "tattoos tattoo ideas designs best women design beautiful popular small check "
        "inspiration simple love want great looking getting time like body perfect make"
        " flower look meaning sure people cool find many inspired "
    ),
    "travel": _words(
        "travel best guide things trip visit list places tips itinerary destinations "
        "planning italy bucket where vacation ultimate europe world make traveling road"
        " amazing beautiful stay need time budget including perfect first looking "
    ),
    "vehicles": _words(
        "vehicle cars vehicles concept classic truck like world road photos ford model "
        "best electric designed design sports luxury lamborghini been vintage black "
        "come sale terrain drive light year wheels built first automotive "
    ),
}

TAGS: dict[str, list[str]] = {
    "art": _split(
        "Painting & Drawing,Diy Canvas Art,Art And Illustration,Art Inspo,Art For "
        "Kids,Pencil Art Drawings,Art Lessons Elementary,Diy Painting,Art Drawings "
        "Sketches Simple,Art Drawings Sketches,Projects For Kids,Art Drawings,School Art "
        "Projects,Art Lessons For Kids,Art Sketches,Painting Inspiration,Mini Canvas "
        "Art,Watercolor Art Lessons,Cool Art Drawings,Art Plastique,Aesthetic Art,Small "
        "Canvas Art,Arte Sketchbook,Winter Art Projects",
        sep=",",
    ),
    "beauty": _split(
        "Beauty Care,Beauty Skin,Beauty Hacks,Diy Beauty,Beauty Secrets,Beauty "
        "Makeup,Beauty Ideas,Skin Care Tips,Beauty Tips,Natural Skin Care,Natural "
        "Beauty,Face Beauty,Homemade Beauty,Face Skin Care,Beauty Products,Hair "
        "Beauty,Natural Beauty Tips,Beauty Tips For Glowing Skin,Diy Skin Care,Health And"
        " Beauty Tips,Makeup Ideas,Natural Hair Styles,Skin Makeup,Skin Tips",
        sep=",",
    ),
    "christmas": _split(
        "Noel Christmas,Christmas Holidays,Christmas Crafts,Winter Christmas,Holiday "
        "Crafts,Christmas Ideas,Christmas Projects,Simple Christmas,Farmhouse Christmas "
        "Decor,Rustic Christmas,Christmas Home,Christmas Decorations,All Things "
        "Christmas,Christmas Wreaths,Christmas Ornaments,Merry Christmas,Christmas "
        "Time,Diy Christmas Ornaments,Homemade Christmas,Diy Christmas Gifts,Christmas "
        "Ornament Crafts,Holiday Decor,Christmas Tree Themes,Xmas Crafts",
        sep=",",
    ),
    "diy-and-crafts": _split(
        "Creative Crafts,Toddler Crafts,Kids Crafts,Preschool Crafts,Diy Arts And "
        "Crafts,Holiday Crafts,Diy Crafts Hacks,Diy For Kids,Cute Crafts,Diy Crafts To "
        "Do,Daycare Crafts,Kids Diy,Easy Crafts,Fun Crafts,Craft Activities For "
        "Kids,Decor Crafts,Diy Craft Projects,Diy Crafts For Home Decor,Christmas Arts "
        "And Crafts,Crafts For Kids,Summer Crafts,Art For Kids,Diy And Crafts,Xmas Crafts",
        sep=",",
    ),
    "education": _split(
        "Teaching Strategies,Teaching Reading,Classroom Ideas,Special Education "
        "Classroom,Autism Classroom,School Classroom,Future Classroom,Special Education "
        "Activities,Kids Education,Teacher Resources,Teaching Ideas,Teaching "
        "Math,Teaching Tips,Life Skills Classroom,Educational Activities,Math "
        "Activities,Educational Technology,Teaching Writing,Fun Math,Teaching "
        "Technology,Instructional Strategies,Physical Education,Guided Reading,Special "
        "Education Organization",
        sep=",",
    ),
    "event-planning": _split(
        "Event Planning Business,Wedding Ideas,Party Planning,Wedding Planning,Event "
        "Planning Tips,Dream Wedding,Event Planning Checklist,Business Events,Wedding "
        "Events,Business Ideas,Event Planning Quotes,Diy Wedding,Event Planning,Budget "
        "Wedding,Event Ideas,Event Planning Template,Best Small Business Ideas,Wedding "
        "Decorations,Wedding Day,Wedding Tips,Wedding Reception,Corporate Events,Wedding "
        "Stuff,Business Planner",
        sep=",",
    ),
    "finance": _split(
        "Money Tips,Money Saving Tips,Budgeting Finances,Ways To Save Money,Budgeting "
        "Tips,Financial Planning,Financial Tips,Money Budget,Financial Literacy,Investing"
        " Money,Financial Peace,Money Hacks,Saving Money,Saving Ideas,Planning Budget,How"
        " To Make Money,Budget Planer,Finance Tips,Dividend Investing,Managing "
        "Money,Investing In Stocks,Best Money Saving Tips,Money Saving Challenge,Money "
        "Management",
        sep=",",
    ),
    "home-decor": _split(
        "Diy Home Decor,Home Kitchens,Home Living Room,Home Decor Kitchen,Living Room "
        "Decor,Living Room Designs,Farmhouse Decor,Bedroom Decor,Cheap Home "
        "Decor,Farmhouse Ideas,Home Decor Inspiration,New Kitchen,Kitchen Ideas,Farmhouse"
        " Style,Decor Ideas,Home Decor Bedroom,Easy Home Decor,Boho Living Room,Autumn "
        "Home,Decor Room,Fall Home Decor,Modern Farmhouse Kitchens,Room Ideas "
        "Bedroom,Interior Design Living Room",
        sep=",",
    ),
    "mens-fashion": _split(
        "Stylish Mens Outfits,Men Casual,Fashion Outfits,Casual Outfits,Stylish "
        "Men,Fashion Ideas,Mode Masculine,Sharp Dressed Man,Mens Fashion,Well Dressed "
        "Men,Fashion Mode,Mode Outfits,Mens Fashion Blog,Mode Man,Herren Outfit,Suit "
        "Fashion,Mens Fall Outfits,Fashion Trends,Fashion Menswear,Summer Outfits "
        "Men,Look Fashion,Mens Fashion Suits,Smart Casual,Cool Outfits For Men",
        sep=",",
    ),
    "quotes": _split(
        "Quotes To Live By,Words Quotes,Inspirational Quotes,True Quotes,Great "
        "Quotes,Motivacional Quotes,Wisdom Quotes,Motivational Quotes,Funny Quotes,Life "
        "Quotes Love,Mood Quotes,Sayings,Quotes Quotes,Wise Words,Positive Quotes,Life "
        "Quotes,Now Quotes,Quotable Quotes,Qoutes,Self Love Quotes,Best Quotes,Me "
        "Quotes,Real Quotes,Cute Love Quotes",
        sep=",",
    ),
    "tattoos": _split(
        "Body Art Tattoos,Mini Tattoos,Small Tattoos,Tatoos,Pretty Tattoos,Dainty "
        "Tattoos,Sleeve Tattoos,Dope Tattoos,Cute Tattoos,Beautiful Tattoos,Tattoos For "
        "Guys,Little Tattoos,Unique Tattoos,Tiny Tattoos For Girls,Finger Tattoos,New "
        "Tattoos,Dream Tattoos,Tattoos For Women,Hand Tattoos,Cute Tiny Tattoos,Leg "
        "Tattoos,Finger Tattoo For Women,Simplistic Tattoos,Awesome Tattoos",
        sep=",",
    ),
    "travel": _split(
        "Beautiful Places To Travel,Travel Destinations,Places To Travel,Cool Places To "
        "Visit,Dream Vacations,Vacation Places,Places To Go,Travel Guides,Vacation "
        "Spots,Travel Hacks,Travel Tips,Vacation Trips,Travel Aesthetic,Budget "
        "Travel,Best Places To Travel,Travel Goals,Vacation Travel,Destination "
        "Voyage,Travel Advice,Travel Usa,Places To Visit,Italy Travel,Europe Travel "
        "Guide,Vacation Ideas",
        sep=",",
    ),
    "vehicles": _split(
        "Sport Cars,Futuristic Cars,Luxury Sports Cars,Cool Cars,Vintage Cars,Armored "
        "Vehicles,Exotic Sports Cars,Antique Cars,Cool Trucks,Jeep Truck,Dream "
        "Cars,Automobile,Retro Cars,Best Luxury Cars,Army Vehicles,Sexy Cars,Armored "
        "Truck,Maserati,Classy Cars,Cool Sports Cars,Exotic Cars,Top Luxury Cars,Classic "
        "Sports Cars,Concept Cars",
        sep=",",
    ),
}

POSTS_PER_PERSON = {"mean": 2.102, "max": 244}

POSTS_PER_POSTER_MEAN = 1.759

TIMESTAMP_RANGE = ("2017-10-19 15:13:42", "2022-10-19 17:54:26")

JOINED_RANGE = ("2015-10-21 03:17:47", "2017-10-20 10:44:26")
